"""The public site: published results, the archive, how the award works, and the winners' badges.

Reads publications only, never live standings; owns no models. Imports award and publications; nothing imports it.
"""
