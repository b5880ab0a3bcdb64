"""The family page: what a parent or guardian sees of their teens, signed in by email."""
