"""RQ workers: matching, notifications and the community's calendar (DESIGN §5)."""
