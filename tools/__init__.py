"""Developer tools: the embedded stack behind `make up`, embedded servers for tests, and proto
code generation. Never imported by a service and not copied into the service images."""
