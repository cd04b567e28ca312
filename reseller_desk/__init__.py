"""Reseller Desk: the back office of a Japanese cloud-PBX / IP-phone reseller."""

__version__ = "0.1.0"
