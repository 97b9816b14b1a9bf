"""The bottom layer: pure helpers every other package may use (Finnish formatting, the clock, safe cells).

Imports nothing of the product.
"""
