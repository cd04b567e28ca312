"""The 督促 section: the list by stage, issuing, holds, suspension candidates."""
