# Shared by start.sh and the e2e harness: where code-server and its profiles live.
HI_CACHE="${HI_WORKBENCH_CACHE:-$HOME/.cache/hi-workbench}"
