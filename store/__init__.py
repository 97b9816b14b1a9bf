"""The bottom of the product: where the data lives and the one way to write it.

- `config`: paths, the region folder and its facts (region.toml);
- `warehouse`: schema, migrations, read connections and `writing()`, the copy-and-swap load;
- `derived`: the registry of steps computed after every write (declared by the layers above, run by
  `writing()` in the load's own transaction).

Imports nothing of the product above it (tests/test_layers.py enforces it).
"""
