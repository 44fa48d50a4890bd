import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import { RestartPolicy } from '../../client/src/restartPolicy';

test('restarts up to 5 crashes within 3 minutes, then stays stopped; old crashes age out', () => {
  let now = 0;
  const policy = new RestartPolicy(5, 180_000, () => now);
  for (let i = 0; i < 5; i++) {
    assert.equal(policy.recordCrash(), true, `crash ${i + 1} restarts`);
    now += 10_000;
  }
  assert.equal(policy.recordCrash(), false, 'the 6th crash within 3 minutes stops it');
  now += 180_001;
  assert.equal(policy.recordCrash(), true, 'after a quiet window it restarts again');
  assert.equal(policy.recentCrashes, 1);
});
