"""The demo edition: a generated bundle (the package generate/) and `load_demo`, which loads and publishes it.

Sits above every app (it imports them all); nothing imports it but the tests and the benchmarks.
"""
