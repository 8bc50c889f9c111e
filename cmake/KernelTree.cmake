# SPDX-License-Identifier: GPL-2.0-only
#
# The kernel's own maple tree and userspace shim, taken from a kernel tree
# at configure time and never committed: Debian's linux-source-6.12 tarball
# by default, or a tree the user names with -DVFIOSIM_KERNEL_SRC=<tree>.
# Defines:
#   VFIOSIM_KSRC            the kernel tree in use
#   vfiosim_kernel_flags    INTERFACE: include order, defines, liburcu
#   vfiosim_kmaple          OBJECT: maple-shim.c linux.c slab.c + layout check

set(VFIOSIM_KERNEL_SRC "" CACHE PATH
    "A kernel tree (6.12 or later) to take lib/maple_tree.c and tools/testing/shared from")
set(VFIOSIM_KERNEL_TARBALL "/usr/src/linux-source-6.12.tar.xz" CACHE FILEPATH
    "Debian's linux-source-6.12 tarball, used when VFIOSIM_KERNEL_SRC is empty")

# What the build needs from the tree; a tree without one of them is refused.
set(_vfiosim_kernel_required
    lib/maple_tree.c
    include/linux/maple_tree.h
    tools/testing/shared/maple-shim.c
    tools/testing/shared/maple-shared.h
    tools/testing/shared/linux.c
    tools/testing/shared/autoconf.h
    tools/lib/slab.c
    tools/include/linux/types.h)

if(VFIOSIM_KERNEL_SRC)
  get_filename_component(VFIOSIM_KSRC "${VFIOSIM_KERNEL_SRC}" ABSOLUTE)
else()
  if(NOT EXISTS "${VFIOSIM_KERNEL_TARBALL}")
    message(FATAL_ERROR
      "vfiosim needs the kernel's maple tree, and ${VFIOSIM_KERNEL_TARBALL} "
      "is missing.  Install it with `apt-get install --no-install-recommends "
      "linux-source-6.12` (or run scripts/setup), or point the build at your "
      "own kernel tree with -DVFIOSIM_KERNEL_SRC=<tree>.")
  endif()
  set(_top linux-source-6.12)
  set(_dest "${CMAKE_BINARY_DIR}/ksrc")
  set(VFIOSIM_KSRC "${_dest}/${_top}")
  set(_stamp "${_dest}/.extracted")
  # Directory-level members: tar decompresses the whole stream anyway.
  set(_members
      COPYING LICENSES/preferred/GPL-2.0 LICENSES/exceptions/Linux-syscall-note
      lib/maple_tree.c include/linux/* include/uapi/* tools/include/* tools/lib/*
      tools/arch/*/include/* tools/testing/shared/*
      scripts/checkpatch.pl scripts/spelling.txt scripts/const_structs.checkpatch
      scripts/kernel-doc)
  list(TRANSFORM _members PREPEND "${_top}/")
  if(NOT EXISTS "${_stamp}" OR "${VFIOSIM_KERNEL_TARBALL}" IS_NEWER_THAN "${_stamp}")
    message(STATUS "vfiosim: extracting the kernel subset from ${VFIOSIM_KERNEL_TARBALL}")
    file(REMOVE_RECURSE "${_dest}")
    file(MAKE_DIRECTORY "${_dest}")
    # --touch: objects must be rebuilt when a newer tarball is extracted.
    execute_process(
      COMMAND tar "--use-compress-program=xz -d -T0" --touch --wildcards
              -xf "${VFIOSIM_KERNEL_TARBALL}" -C "${_dest}" ${_members}
      RESULT_VARIABLE _tar_rc ERROR_VARIABLE _tar_err)
    if(NOT _tar_rc EQUAL 0)
      # A member absent from this kernel version is not fatal by itself;
      # the required list below decides.
      message(WARNING "vfiosim: tar said (exit ${_tar_rc}): ${_tar_err}")
    endif()
    file(TOUCH "${_stamp}")
  endif()
  set_property(DIRECTORY APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS
               "${VFIOSIM_KERNEL_TARBALL}")
endif()

foreach(_f IN LISTS _vfiosim_kernel_required)
  if(NOT EXISTS "${VFIOSIM_KSRC}/${_f}")
    message(FATAL_ERROR
      "vfiosim: the kernel tree ${VFIOSIM_KSRC} lacks ${_f}; vfiosim needs "
      "a 6.12 or later tree (6.1 has no tools/testing/shared/maple-shim.c).")
  endif()
endforeach()
message(STATUS "vfiosim: kernel tree ${VFIOSIM_KSRC}")

# The three headers the kernel's test Makefiles generate; written only when
# their content changes, so a re-configure rebuilds nothing.
set(_kgen "${CMAKE_BINARY_DIR}/kgen")
file(READ "${VFIOSIM_KSRC}/tools/testing/shared/autoconf.h" _autoconf)
file(CONFIGURE OUTPUT "${_kgen}/generated/autoconf.h" CONTENT "${_autoconf}")
file(CONFIGURE OUTPUT "${_kgen}/generated/bit-length.h"
     CONTENT "#define CONFIG_64BIT 1\n")
file(CONFIGURE OUTPUT "${_kgen}/generated/map-shift.h"
     CONTENT "#define XA_CHUNK_SHIFT 6\n")

find_package(Threads REQUIRED)
find_library(VFIOSIM_URCU urcu)
if(NOT VFIOSIM_URCU)
  message(FATAL_ERROR "vfiosim: liburcu not found: apt-get install liburcu-dev")
endif()

add_library(vfiosim_kernel_flags INTERFACE)
# Order matters: the shim's <linux/*.h> wrappers shadow tools/include.
target_include_directories(vfiosim_kernel_flags SYSTEM INTERFACE
  "${VFIOSIM_KSRC}/tools/testing/shared"
  "${_kgen}"
  "${VFIOSIM_KSRC}/tools/include")
# CONFIG_64BIT=1 in every unit: maple-shim.c otherwise builds the 32-bit
# node layout on a 64-bit host.
target_compile_definitions(vfiosim_kernel_flags INTERFACE
  _LGPL_SOURCE CONFIG_64BIT=1)
target_link_libraries(vfiosim_kernel_flags INTERFACE
  "${VFIOSIM_URCU}" Threads::Threads)

# ThreadSanitizer (the tsan preset): the kernel's READ_ONCE and liburcu's
# rcu_dereference/rcu_assign_pointer as __atomic operations, and an RCU
# grace period TSan can see (sim/shim/tsan.h, shim.c's call_rcu trampoline).
option(VFIOSIM_TSAN "Build for ThreadSanitizer (-fsanitize=thread in CMAKE_C_FLAGS)" OFF)
if(VFIOSIM_TSAN)
  target_compile_options(vfiosim_kernel_flags INTERFACE
    "SHELL:-include ${PROJECT_SOURCE_DIR}/sim/shim/tsan.h")
  target_compile_definitions(vfiosim_kernel_flags INTERFACE VFIOSIM_TSAN=1)
endif()

add_library(vfiosim_kmaple OBJECT
  "${VFIOSIM_KSRC}/tools/testing/shared/maple-shim.c"
  "${VFIOSIM_KSRC}/tools/testing/shared/linux.c"
  "${VFIOSIM_KSRC}/tools/lib/slab.c"
  "${PROJECT_SOURCE_DIR}/sim/shim/layout_check.c")
target_link_libraries(vfiosim_kmaple PUBLIC vfiosim_kernel_flags)
# The kernel's files build with their own looser flags, never -Werror.
target_compile_options(vfiosim_kmaple PRIVATE -w)
set_target_properties(vfiosim_kmaple PROPERTIES COMPILE_WARNING_AS_ERROR OFF)
# Under libFuzzer the kernel's files keep edge coverage but drop the
# comparison tracing (-fsanitize-coverage=trace-cmp): the maple tree's
# pivot comparisons are not values an input can steer, and tracing them
# took a third of each execution (tests/fuzz/README.md).
if(VFIOSIM_FUZZ AND CMAKE_C_COMPILER_ID MATCHES "Clang")
  target_compile_options(vfiosim_kmaple PRIVATE
    -fno-sanitize-coverage=trace-cmp)
endif()
