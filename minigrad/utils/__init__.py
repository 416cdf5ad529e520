"""Utilities outside the tensor core: ``minigrad.utils.data`` (datasets, samplers, DataLoader),
``minigrad.utils.graph`` (drawing an autograd graph) and ``minigrad.utils.hooks`` (the handle that
``register_hook`` returns). Nothing is imported here, so that the tensor core can use ``hooks``;
``import minigrad`` imports ``data``."""
