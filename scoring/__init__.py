"""Scoring: the pure rules, set-based rescoring into standings, and the tasks that keep them current.

Imports award and channels_app; imported by publications, website and dashboard. `scoring.rules` is pure: all may import it.
"""
