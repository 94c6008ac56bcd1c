# synwatch: out-of-tree kernel module (kmod/, built through ./Kbuild) and
# userspace tools (userspace/).  `make help` lists the targets.

SHELL := /bin/bash

# Kernel tree to build against: the running kernel's if its headers are
# installed, otherwise the newest generic Debian headers.
KDIR ?= $(shell scripts/kdir.sh)
# Kernel(s) the VM targets boot: generic, rt, debug or a release; several
# may be given ("generic rt"), each gets one VM.
KERNEL ?= generic
# Restrict the VM suite to some tests of selftests/TESTS (default: all).
TESTS ?=

CHECKPATCH := .deps/linux-6.1/scripts/checkpatch.pl
KMOD_SOURCES = $(shell find kmod -name '*.[ch]' ! -name '*.mod.c' 2>/dev/null | sort)
HAVE_USERSPACE = $(wildcard userspace/Makefile)

.PHONY: all modules userspace deps modules-all vm-module selftests unit check \
	vm-check style sparse install clean distclean debug-kernel demo vm help \
	bench bench-tools

all: modules userspace

modules:
	$(MAKE) -C $(KDIR) M=$(CURDIR) modules

userspace:
ifneq ($(HAVE_USERSPACE),)
	$(MAKE) -C userspace all
endif

deps:
	scripts/deps.sh

# One build per installed Debian kernel flavour, DKMS style (sources copied
# to build/<release>/src): build/<release>/synwatch.ko.
modules-all:
	@kdirs=$$(scripts/kdir.sh --all); \
	[ -n "$$kdirs" ] || { echo "no kernel headers installed: make deps" >&2; exit 1; }; \
	for kd in $$kdirs; do \
		scripts/build-module.sh "$$kd" "build/$$(scripts/kdir.sh --release "$$kd")" || exit; \
	done

# The module for each kernel in $(KERNEL), where run-vm.sh looks for it.
vm-module:
	@for k in $(KERNEL); do scripts/build-module.sh --kernel "$$k" || exit; done

selftests:
	$(MAKE) -C selftests all

unit:
ifneq ($(HAVE_USERSPACE),)
	$(MAKE) -C userspace check
endif
	$(MAKE) -C selftests unit

check: unit vm-check

# Boot one VM per kernel and run the whole selftests/run_tests.sh in it.
vm-check: modules-all vm-module selftests userspace bench-tools
	selftests/vm/vm-check.sh $(KERNEL) -- $(TESTS)

style:
	@[ -x $(CHECKPATCH) ] || { echo "missing $(CHECKPATCH): make deps" >&2; exit 1; }
	@[ -n "$(KMOD_SOURCES)" ] || { echo "style: no kmod sources" >&2; exit 1; }
	@out=$$($(CHECKPATCH) --no-tree --strict --terse -f $(KMOD_SOURCES) 2>&1); \
	if [ -n "$$out" ]; then echo "$$out"; exit 1; fi; \
	echo "checkpatch: $(words $(KMOD_SOURCES)) files clean"

# sparse (C=2 checks every file) on a separate copy, so that the regular
# objects are not rebuilt; any warning fails.
sparse:
	@mkdir -p build
	@set -o pipefail; scripts/build-module.sh $(KDIR) build/sparse C=2 2>&1 | tee build/sparse.log
	@if grep -qE 'warning:|error:' build/sparse.log; then \
		echo "sparse: FAILED: $$(grep -cE 'warning:|error:' build/sparse.log) warnings/errors above" >&2; exit 1; fi
	@echo "sparse: clean"

install: modules
	$(MAKE) -C $(KDIR) M=$(CURDIR) INSTALL_MOD_DIR=updates \
		$(if $(DESTDIR),INSTALL_MOD_PATH=$(DESTDIR)) modules_install
	[ -n "$(DESTDIR)" ] || depmod -a "$$(scripts/kdir.sh --release $(KDIR))"
ifneq ($(HAVE_USERSPACE),)
	$(MAKE) -C userspace install
endif

clean:
	[ ! -d "$(KDIR)" ] || $(MAKE) -C $(KDIR) M=$(CURDIR) clean
	rm -rf build
	$(MAKE) -C selftests clean
	$(MAKE) -C bench clean
ifneq ($(HAVE_USERSPACE),)
	$(MAKE) -C userspace clean
endif

# Also drops the extracted kernel files and the VM/debug-kernel caches.
distclean: clean
	rm -rf .deps .cache

# Debug kernel for KERNEL=debug (KASAN, lockdep, kmemleak); 20-40 minutes.
debug-kernel:
	scripts/build-debug-kernel.sh

# Two netns, some TCP traffic, `synwatch stats`, in a VM.
demo: vm-module userspace selftests
	selftests/vm/run-vm.sh --kernel $(firstword $(KERNEL)) -- scripts/demo.sh

# The benchmark's load generators (bench/build/); make check smoke-tests them.
bench-tools: userspace
	$(MAKE) -C bench all

# synwatch against no hook and nf_conntrack, in one VM boot: bench/results/.
bench:
	bench/run.sh

# Interactive shell in a VM (or CMD='...' to run one command).
vm: vm-module
	selftests/vm/run-vm.sh --kernel $(firstword $(KERNEL)) $(if $(CMD),-- '$(CMD)')

help:
	@echo "make [all]          module (KDIR=$(KDIR)) and userspace"
	@echo "make deps           install missing packages, extract checkpatch/kselftest"
	@echo "make modules-all    module for every installed kernel flavour -> build/<release>/"
	@echo "make check          unit tests + selftests in a VM (KERNEL=generic|rt|debug, TESTS=...)"
	@echo "make style|sparse   checkpatch --strict / sparse on kmod/"
	@echo "make install        module (updates/) and userspace"
	@echo "make debug-kernel   build the KASAN/lockdep kernel for KERNEL=debug"
	@echo "make vm [CMD=...]   shell (or command) in a VM; make demo"
	@echo "make bench          synwatch vs no module vs nf_conntrack -> bench/results/"
	@echo "make clean|distclean"
