"""The policy file: model, loader, checks and ref rules."""
