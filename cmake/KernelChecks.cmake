# SPDX-License-Identifier: GPL-2.0-only
#
# Kernel-facing checks of the vfiosim core, as ctest tests:
#
#   kernel_object    sim/core/*.c builds as a kernel object (make M=... W=1)
#                    against Debian bookworm's 6.12 headers, warning-free.
#   checkpatch_core  scripts/checkpatch.pl --strict and scripts/kernel-doc
#                    are clean on sim/core/*.c and sim/core/*.h.
#
# Expects VFIOSIM_SOURCE_DIR (the project's source directory) and
# VFIOSIM_KSRC (the kernel tree extracted for the build) to be set by the
# includer.  See sim/kernel/README.md.

find_program(VFIOSIM_BASH bash REQUIRED)

set(_vfiosim_kdir "${VFIOSIM_SOURCE_DIR}/sim/kernel")

# The headers packages are fetched once into the build tree and reused.
add_test(NAME kernel_object
	COMMAND "${VFIOSIM_BASH}" "${_vfiosim_kdir}/kobj-check.sh"
		--workdir "${CMAKE_BINARY_DIR}/kheaders"
		"${VFIOSIM_SOURCE_DIR}/sim/core")
set_tests_properties(kernel_object PROPERTIES
	LABELS "kernel-object;kernel"
	TIMEOUT 600)

# Re-run cmake when files are added to or removed from sim/core.
file(GLOB _vfiosim_core_files CONFIGURE_DEPENDS
	"${VFIOSIM_SOURCE_DIR}/sim/core/*.c"
	"${VFIOSIM_SOURCE_DIR}/sim/core/*.h")
list(SORT _vfiosim_core_files)

# Use the build's kernel tree if it carries checkpatch.pl; otherwise (or if
# it lacks one of the files checkpatch.pl reads) the script extracts them from
# /usr/src/linux-source-6.12.tar.xz into the build tree, once.
set(_vfiosim_kscripts --workdir "${CMAKE_BINARY_DIR}/kscripts")
if(DEFINED VFIOSIM_KSRC AND EXISTS "${VFIOSIM_KSRC}/scripts/checkpatch.pl")
	list(PREPEND _vfiosim_kscripts --kernel-src "${VFIOSIM_KSRC}")
endif()

add_test(NAME checkpatch_core
	COMMAND "${VFIOSIM_BASH}" "${_vfiosim_kdir}/checkpatch.sh"
		${_vfiosim_kscripts} ${_vfiosim_core_files})
set_tests_properties(checkpatch_core PROPERTIES
	LABELS "kernel;style"
	TIMEOUT 300)

unset(_vfiosim_kdir)
unset(_vfiosim_core_files)
unset(_vfiosim_kscripts)
