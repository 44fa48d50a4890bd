// Package main is a placeholder for headscale's hi runner (cmd/hi). The real hi needs Docker Hub
// images; this demo ships a stand-in that behaves like it (see README.md in this folder).
package main

func main() {}
