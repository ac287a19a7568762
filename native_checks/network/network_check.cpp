// SPDX-License-Identifier: Apache-2.0
// network: per-interface traffic from /proc/net/dev, as Datadog's network
// check reports it: raw counters submitted as rates (the aggregator turns
// them into per-second values and drops the negative one a counter reset
// or wrap would give), tagged device:<interface>.
#include "interface_filter.hpp"
#include "net_dev.hpp"
#include "system_root.hpp"

#include <vigil/check.hpp>

#include <string>

namespace {

using vigil::network::InterfaceCounters;
using vigil::network::InterfaceFilter;
using vigil::network::NetDev;
using vigil::system::SystemRoot;
namespace col = vigil::network;

class NetworkCheck : public vigil::Check {
public:
	explicit NetworkCheck(const vigil::Setup &setup)
	    : root_(SystemRoot::fromConfig(setup.instance)),
	      net_dev_path_(root_.proc("net/dev").string()), filter_(setup.instance)
	{
	}

	void run(vigil::Sender &sender) override
	{
		const std::string text = root_.readProc("net/dev");
		const NetDev dev = vigil::network::parseNetDev(text, net_dev_path_);
		for (const std::string &line : dev.malformed_lines)
			sender.warning("malformed line '" + line + "' in '" + net_dev_path_ +
				       "', skipping it");
		for (const InterfaceCounters &iface : dev.interfaces) {
			if (filter_.excluded(iface.name))
				continue;
			report(sender, iface);
		}
	}

private:
	static void report(vigil::Sender &sender, const InterfaceCounters &iface)
	{
		const auto &c = iface.columns;
		// Datadog skips interfaces that never moved a byte (down, unused
		// ifb/dummy devices), which would only add flat series.
		if (c[col::kRxBytes] == 0 && c[col::kTxBytes] == 0)
			return;
		const vigil::Tags tags{"device:" + std::string(iface.name)};
		auto rate = [&](std::string_view name, uint64_t value) {
			sender.rate(name, static_cast<double>(value), tags);
		};
		rate("system.net.bytes_rcvd", c[col::kRxBytes]);
		rate("system.net.bytes_sent", c[col::kTxBytes]);
		rate("system.net.packets_in.count", c[col::kRxPackets]);
		rate("system.net.packets_out.count", c[col::kTxPackets]);
		// As in Datadog, "error" counts dropped packets too.
		rate("system.net.packets_in.error", c[col::kRxErrors] + c[col::kRxDrops]);
		rate("system.net.packets_out.error", c[col::kTxErrors] + c[col::kTxDrops]);
		rate("system.net.packets_in.drop", c[col::kRxDrops]);
		rate("system.net.packets_out.drop", c[col::kTxDrops]);
	}

	SystemRoot root_;
	std::string net_dev_path_;
	InterfaceFilter filter_;
};

} // namespace

VIGIL_CHECK(NetworkCheck, "network", "1.0.0",
	    "Per-interface bytes, packets, errors and drops from /proc/net/dev")
