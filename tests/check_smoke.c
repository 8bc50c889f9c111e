// SPDX-License-Identifier: GPL-2.0-only
#include "harness.h"

static const struct vfio_cookie_region h100[] = {
	{ 16 << 20, 7 }, { 0, 0 }, { 64ULL << 30, 7 }, { 0, 0 },
	{ 32 << 20, 7 }, { 0, 0 }, { 0, 0 }, { 4096, 3 },
};

START_TEST(test_smoke)
{
	struct vfio_cookie_space s;
	u64 off;
	u32 idx;

	ck_assert_int_eq(vfio_cookie_space_init(&s, VFIO_COOKIE_LAYOUT_COMPACT, h100, 8, 64), 0);
	ck_assert_int_eq(vfio_cookie_region_offset(&s, 7, &off), 0);
	ck_assert_int_eq(vfio_cookie_region_offset(&s, 0, &off), 0);
	ck_assert_int_eq(vfio_cookie_region_offset(&s, 2, &off), 0);
	ck_assert_int_eq(vfio_cookie_alias(&s, 2, VFIO_COOKIE_ATTR_WC, &off, &idx), 0);
	sim_draw_space(&s, "compact", stdout);
	ck_assert_space_valid(&s);
	vfio_cookie_space_destroy(&s);
}
END_TEST

static Suite *smoke_suite(void)
{
	Suite *s = suite_create("smoke");
	TCase *tc = tcase_create("core");

	sim_tcase_defaults(tc);
	tcase_add_test(tc, test_smoke);
	suite_add_tcase(s, tc);
	return s;
}

VFIOSIM_CHECK_MAIN(smoke_suite)
