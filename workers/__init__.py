"""RQ workers: matching, notifications and the community's calendar (docs/architecture.md)."""
