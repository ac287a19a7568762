// SPDX-License-Identifier: Apache-2.0
// Pins the native check ABI: any change to the layout of a struct that
// crosses the plugin boundary fails this build.  Appending a field is allowed
// (update the size here and bump the minor version); anything else must bump
// the major version.
#include <vigil/check.h>

#include <gtest/gtest.h>

#include <cstddef>

// The pinned values are those of LP64 Linux (x86_64, aarch64), the targets we
// build for.
static_assert(sizeof(void *) == 8, "pinned layouts assume LP64");

static_assert(VIGIL_ABI_VERSION_MAJOR == 1 && VIGIL_ABI_VERSION_MINOR == 1,
	      "ABI version changed: update the pinned layouts below deliberately");

static_assert(offsetof(vigil_check_descriptor, abi_version) == 0);
static_assert(offsetof(vigil_check_descriptor, struct_size) == 4);
static_assert(offsetof(vigil_check_descriptor, name) == 8);
static_assert(offsetof(vigil_check_descriptor, version) == 16);
static_assert(offsetof(vigil_check_descriptor, description) == 24);
static_assert(offsetof(vigil_check_descriptor, create) == 32);
static_assert(offsetof(vigil_check_descriptor, run) == 40);
static_assert(offsetof(vigil_check_descriptor, destroy) == 48);
// Minor 1.
static_assert(offsetof(vigil_check_descriptor, flags) == 56);
static_assert(sizeof(vigil_check_descriptor) == 64);
static_assert(VIGIL_CHECK_NEEDS_CONFIG == 1u);

static_assert(offsetof(vigil_host, abi_version) == 0);
static_assert(offsetof(vigil_host, struct_size) == 4);
static_assert(offsetof(vigil_host, submit_metric) == 8);
static_assert(offsetof(vigil_host, submit_service_check) == 16);
static_assert(offsetof(vigil_host, submit_event) == 24);
static_assert(offsetof(vigil_host, warning) == 32);
static_assert(offsetof(vigil_host, log) == 40);
static_assert(offsetof(vigil_host, set_error) == 48);
static_assert(offsetof(vigil_host, config_string) == 56);
static_assert(offsetof(vigil_host, config_number) == 64);
static_assert(offsetof(vigil_host, config_bool) == 72);
static_assert(offsetof(vigil_host, config_list_size) == 80);
static_assert(offsetof(vigil_host, config_list_item) == 88);
static_assert(offsetof(vigil_host, config_json) == 96);
static_assert(offsetof(vigil_host, instance_id) == 104);
// Minor 1.
static_assert(offsetof(vigil_host, http_get) == 112);
static_assert(offsetof(vigil_host, submit_metric_flags) == 120);
static_assert(sizeof(vigil_host) == 128);
static_assert(VIGIL_SUBMIT_FLUSH_FIRST_VALUE == 1u);

static_assert(offsetof(vigil_http_request, struct_size) == 0);
static_assert(offsetof(vigil_http_request, url) == 8);
static_assert(offsetof(vigil_http_request, headers) == 16);
static_assert(offsetof(vigil_http_request, header_count) == 24);
static_assert(offsetof(vigil_http_request, timeout_seconds) == 32);
static_assert(offsetof(vigil_http_request, max_body_bytes) == 40);
static_assert(sizeof(vigil_http_request) == 48);

static_assert(offsetof(vigil_http_response, struct_size) == 0);
static_assert(offsetof(vigil_http_response, status) == 4);
static_assert(offsetof(vigil_http_response, error) == 8);
static_assert(offsetof(vigil_http_response, body) == 16);
static_assert(offsetof(vigil_http_response, body_size) == 24);
static_assert(offsetof(vigil_http_response, content_type) == 32);
static_assert(sizeof(vigil_http_response) == 40);

static_assert(offsetof(vigil_event, struct_size) == 0);
static_assert(offsetof(vigil_event, title) == 8);
static_assert(offsetof(vigil_event, text) == 16);
static_assert(offsetof(vigil_event, timestamp) == 24);
static_assert(offsetof(vigil_event, priority) == 32);
static_assert(offsetof(vigil_event, alert_type) == 40);
static_assert(offsetof(vigil_event, aggregation_key) == 48);
static_assert(offsetof(vigil_event, source_type_name) == 56);
static_assert(offsetof(vigil_event, hostname) == 64);
static_assert(offsetof(vigil_event, tags) == 72);
static_assert(offsetof(vigil_event, tag_count) == 80);
// Minor 1.
static_assert(offsetof(vigil_event, event_type) == 88);
static_assert(sizeof(vigil_event) == 96);
static_assert(VIGIL_EVENT_V1_0_SIZE == offsetof(vigil_event, event_type));

TEST(AbiLayout, EnumValuesMatchTheDatadogAgent)
{
	// Python checks pass these numbers straight through aggregator.submit_metric.
	EXPECT_EQ(VIGIL_METRIC_GAUGE, 0);
	EXPECT_EQ(VIGIL_METRIC_RATE, 1);
	EXPECT_EQ(VIGIL_METRIC_COUNT, 2);
	EXPECT_EQ(VIGIL_METRIC_MONOTONIC_COUNT, 3);
	EXPECT_EQ(VIGIL_METRIC_COUNTER, 4);
	EXPECT_EQ(VIGIL_METRIC_HISTOGRAM, 5);
	EXPECT_EQ(VIGIL_METRIC_HISTORATE, 6);
	EXPECT_EQ(VIGIL_STATUS_OK, 0);
	EXPECT_EQ(VIGIL_STATUS_WARNING, 1);
	EXPECT_EQ(VIGIL_STATUS_CRITICAL, 2);
	EXPECT_EQ(VIGIL_STATUS_UNKNOWN, 3);
}

TEST(AbiLayout, VersionPacking)
{
	EXPECT_EQ(VIGIL_ABI_MAJOR(VIGIL_ABI_VERSION), VIGIL_ABI_VERSION_MAJOR);
	EXPECT_EQ(VIGIL_ABI_MINOR(VIGIL_ABI_VERSION), VIGIL_ABI_VERSION_MINOR);
	EXPECT_EQ(VIGIL_ABI_MAJOR(0x00020003u), 2u);
	EXPECT_EQ(VIGIL_ABI_MINOR(0x00020003u), 3u);
}
