.PHONY: run test

# Run the portal with demo data (SQLite + filesystem broker unless DATABASE_URL / REDIS_URL are set).
run:
	./scripts/run.sh

# The whole test suite against PostgreSQL and Redis, with a real worker and headless Chromium.
test:
	./scripts/test.sh $(ARGS)
