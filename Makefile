# The verbs people use; each is one line of scripts/xz, which needs nothing but bash to start.
.PHONY: run stop status test contracts bench lint
run:
	@scripts/xz run
stop:
	@scripts/xz stop
status:
	@scripts/xz status
test:
	@scripts/xz test
contracts:
	@scripts/xz contracts
bench:
	@scripts/xz bench
lint:
	@scripts/xz lint
