// SPDX-License-Identifier: Apache-2.0
#include "config/remote_write.hpp"

#include "build_config.hpp"

namespace vigil {

namespace {

std::string url(SettingReader &r, const Setting &s)
{
	std::string url = r.string(s);
	const bool https = url.rfind("https://", 0) == 0;
	if (url.rfind("http://", 0) != 0 && !https)
		r.fail(s, "must start with http:// or https://, got " + describeYaml(s.value));
	// Said here rather than on the first send, which could be hours later.
	if (https && !VIGIL_TLS_ENABLED)
		r.fail(s, "https:// needs TLS, which this vigil was built without "
			  "(-Dtls=disabled); use http:// or a build with TLS");
	return url;
}

void basicAuth(SettingReader &r, const Setting &s, RemoteWriteConfig &rw)
{
	r.forEachKey(s, "must be a map with username and password_file",
		     [&](const std::string &key, const Setting &auth) {
			     if (key == "username")
				     rw.basic_auth_username = r.string(auth);
			     else if (key == "password_file")
				     rw.basic_auth_password_file = r.path(auth);
			     else
				     r.warnUnknown(auth);
		     });
	if (rw.basic_auth_username.empty() || rw.basic_auth_password_file.empty())
		r.fail(s, "needs both username and password_file");
}

} // namespace

RemoteWriteConfig parseRemoteWriteSetting(SettingReader &r, const Setting &s)
{
	RemoteWriteConfig rw;
	bool bounded_batch = false;
	r.forEachKey(s, "must be a map with url and options",
		     [&](const std::string &name, const Setting &sub) {
			     if (name == "url") {
				     rw.url = url(r, sub);
			     } else if (name == "queue_size") {
				     rw.queue_size = r.count(sub, 100000000);
			     } else if (name == "max_samples_per_send") {
				     rw.max_samples_per_send = r.count(sub, 1000000);
				     bounded_batch = true;
			     } else if (name == "timeout") {
				     rw.timeout = r.positive(sub);
			     } else if (name == "min_backoff") {
				     rw.min_backoff = r.positive(sub);
			     } else if (name == "max_backoff") {
				     rw.max_backoff = r.positive(sub);
			     } else if (name == "bearer_token_file") {
				     rw.bearer_token_file = r.path(sub);
			     } else if (name == "basic_auth") {
				     basicAuth(r, sub, rw);
			     } else {
				     r.warnUnknown(sub);
			     }
		     });
	if (rw.url.empty())
		r.fail(s, "needs a url (e.g. http://127.0.0.1:9090/api/v1/write)");
	if (!rw.basic_auth_username.empty() && !rw.bearer_token_file.empty())
		r.fail(s, "has both basic_auth and bearer_token_file; use one");
	if (rw.max_backoff < rw.min_backoff)
		r.fail(s, "max_backoff must not be smaller than min_backoff");
	if (rw.max_samples_per_send > rw.queue_size) {
		// A batch left at its default follows a small queue; one set
		// explicitly larger than the queue is a mistake worth reporting.
		if (bounded_batch)
			r.fail(s, "max_samples_per_send must not be larger than queue_size");
		rw.max_samples_per_send = rw.queue_size;
	}
	return rw;
}

} // namespace vigil
