# The web build's own settings (runtime/Makefile includes this; the host build does not).
# The C config both builds share is mpconfigvariant.h; what is frozen, manifest.py.
FROZEN_MANIFEST = $(VARIANT_DIR)/manifest.py
