"""The open-model backend: Wan and LTX-Video through diffusers, from a local model library."""
