"""The draft backend: a framing-accurate gray-box animatic on any CPU."""
