# synwatch: out-of-tree kernel module (kmod/, built through ./Kbuild) and
# userspace tools (userspace/).  `make help` lists the targets.

SHELL := /bin/bash

# Kernel tree to build against: the running kernel's if its headers are
# installed, otherwise the newest generic Debian headers.
KDIR ?= $(shell scripts/kdir.sh)
# Kernel(s) the VM targets boot (scripts/kdir.sh: generic = 6.1 and rt =
# 6.1-rt are Debian 12's kernel, 6.12 and 6.12-rt Debian 13's; debug; or a
# release); several may be given, each gets one VM. The default means the
# same on every host: 6.1 and 6.12 generic. KERNEL=all is the four
# supported kernels, and debug once `make debug-kernel` has built it.
# make demo and make vm use the first.
SUPPORTED_KERNELS := generic rt 6.12 6.12-rt
KERNEL ?= generic 6.12
DEBUG_BZIMAGE := .cache/debug-kernel/linux-source-6.1/arch/x86/boot/bzImage
KERNELS = $(if $(filter all,$(KERNEL)),$(SUPPORTED_KERNELS) $(if $(wildcard $(DEBUG_BZIMAGE)),debug),$(KERNEL))
# Restrict the VM suite to some tests of selftests/TESTS (default: all).
TESTS ?=

CHECKPATCH := .deps/linux-6.1/scripts/checkpatch.pl
KMOD_SOURCES = $(shell find kmod -name '*.[ch]' ! -name '*.mod.c' 2>/dev/null | sort)
HAVE_USERSPACE = $(wildcard userspace/Makefile)

.PHONY: all modules userspace deps modules-all vm-module selftests unit check \
	vm-check stress style sparse dkms-check install clean distclean debug-kernel demo vm help \
	bench bench-tools spec-check ynl-tree

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
# Headers of a kernel outside the supported series (dkms.conf's
# BUILD_EXCLUSIVE_KERNEL) are skipped, and said so: they never fail this.
modules-all:
	@kdirs=$$(scripts/kdir.sh --all); \
	[ -n "$$kdirs" ] || { echo "no kernel headers installed: make deps" >&2; exit 1; }; \
	re=$$(sed -n 's/^BUILD_EXCLUSIVE_KERNEL="\(.*\)"/\1/p' dkms.conf); \
	for kd in $$kdirs; do \
		rel=$$(scripts/kdir.sh --release "$$kd"); \
		if ! [[ $$rel =~ $$re ]]; then \
			echo "modules-all: skipped $$rel: not a supported kernel series ($$re)"; continue; \
		fi; \
		scripts/build-module.sh "$$kd" "build/$$rel" || exit; \
	done

# The module for each kernel in $(KERNEL), where run-vm.sh looks for it.
vm-module:
	@for k in $(KERNELS); do scripts/build-module.sh --kernel "$$k" || exit; done

selftests:
	$(MAKE) -C selftests all

unit:
ifneq ($(HAVE_USERSPACE),)
	$(MAKE) -C userspace check
endif
	$(MAKE) -C selftests unit

# Everything: kernel style, sparse and DKMS builds on every supported
# kernel, the host unit tests, the YAML spec, then the VM suite on each kernel of KERNEL
# (6.1 and 6.12 generic; KERNEL=all for the rt kernels too).
check: style sparse dkms-check unit spec-check vm-check

# The YAML spec against the kernel's schema, ynl-gen-c and the uapi header
# (scripts/spec-check.sh), with YNL from linux-source-6.12.
spec-check:
	scripts/spec-check.sh

# linux-source-6.12's tools/net/ynl and Documentation/netlink, extracted to
# .deps/linux-6.12 for spec-check and for selftests/ynl_drive.sh in the VM.
ynl-tree:
	@scripts/ynl-tree.sh >/dev/null

# Boot one VM per kernel and run the whole selftests/run_tests.sh in it.
vm-check: vm-module selftests userspace bench-tools ynl-tree
	selftests/vm/vm-check.sh $(KERNELS) -- $(TESTS)

style:
	@[ -x $(CHECKPATCH) ] || { echo "missing $(CHECKPATCH): make deps" >&2; exit 1; }
	@[ -n "$(KMOD_SOURCES)" ] || { echo "style: no kmod sources" >&2; exit 1; }
	@out=$$($(CHECKPATCH) --no-tree --strict --terse -f $(KMOD_SOURCES) 2>&1); \
	if [ -n "$$out" ]; then echo "$$out"; exit 1; fi; \
	echo "checkpatch: $(words $(KMOD_SOURCES)) files clean"
	@scripts/check-layers.sh
	@scripts/check-names.sh

# sparse (C=2 checks every file) on a separate copy for each supported
# kernel, so that the regular objects are not rebuilt; any warning fails.
sparse:
	@mkdir -p build
	@for k in $(SUPPORTED_KERNELS); do \
		log=build/sparse-$$k.log; \
		scripts/build-module.sh "$$(scripts/kdir.sh $$k)" build/sparse-$$k C=2 > $$log 2>&1 || \
			{ cat $$log; echo "sparse: $$k: build failed" >&2; exit 1; }; \
		if grep -E 'warning:|error:' $$log; then \
			echo "sparse: $$k: FAILED: $$(grep -cE 'warning:|error:' $$log) warnings/errors" >&2; exit 1; fi; \
		echo "sparse: $$k clean"; \
	done

# The reliability suite (selftests/stress_*: module life cycle under load,
# packet and genetlink fuzzers) in full, on each kernel of KERNEL: its
# tests do STRESS_SCALE times the work of their reduced run in make check.
STRESS_SCALE ?= 5
STRESS_TESTS = $(sort $(basename $(notdir $(wildcard selftests/stress_*.c selftests/stress_*.sh))))
stress: vm-module selftests userspace bench-tools ynl-tree
	STRESS_SCALE=$(STRESS_SCALE) selftests/vm/vm-check.sh $(KERNELS) -- $(STRESS_TESTS)

# DKMS builds for every supported kernel, in a private DKMS tree.
dkms-check:
	scripts/dkms-check.sh

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
	selftests/vm/run-vm.sh --kernel $(firstword $(KERNELS)) -- scripts/demo.sh

# The benchmark's load generators (bench/build/); make check smoke-tests them.
bench-tools: userspace
	$(MAKE) -C bench all

# synwatch against no hook and nf_conntrack, in one VM boot: bench/results/.
bench:
	bench/run.sh

# Interactive shell in a VM (or CMD='...' to run one command).
vm: vm-module
	selftests/vm/run-vm.sh --kernel $(firstword $(KERNELS)) $(if $(CMD),-- '$(CMD)')

help:
	@echo "make [all]          module (KDIR=$(KDIR)) and userspace"
	@echo "make deps           install missing packages, extract checkpatch/kselftest/YNL"
	@echo "make modules-all    module for every installed kernel flavour -> build/<release>/"
	@echo "make check          style, sparse, DKMS, unit tests, spec-check, then the selftests in a VM"
	@echo "                    per kernel (KERNEL='generic 6.12' by default; all: also"
	@echo "                    rt, 6.12-rt and a built debug; or any of them; TESTS=...)"
	@echo "make style|sparse   checkpatch --strict / sparse (every supported kernel) on kmod/"
	@echo "make spec-check     the YAML spec vs the kernel's schema, ynl-gen-c and the uapi header"
	@echo "make dkms-check     DKMS builds for every supported kernel, nothing installed"
	@echo "make stress         the reliability suite in full (STRESS_SCALE=5, KERNEL=...)"
	@echo "make install        module (updates/) and userspace"
	@echo "make debug-kernel   build the KASAN/lockdep kernel for KERNEL=debug"
	@echo "make vm [CMD=...]   shell (or command) in a VM; make demo"
	@echo "make bench          synwatch vs no module vs nf_conntrack -> bench/results/"
	@echo "make clean|distclean"
