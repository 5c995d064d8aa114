JSFLAGS += -s ALLOW_MEMORY_GROWTH

FROZEN_MANIFEST ?= variants/pyscript/manifest.py
