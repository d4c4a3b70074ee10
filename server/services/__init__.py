"""Domain services: the rules and the transactions. No Flask imports here."""
