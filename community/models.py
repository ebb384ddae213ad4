"""Community experiences and moderation: the models arrive with the community features."""
