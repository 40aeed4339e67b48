"""Database connections of a project: saved URLs (masked), tests, imports and exports."""
