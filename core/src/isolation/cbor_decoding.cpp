// SPDX-License-Identifier: Apache-2.0
#include "isolation/cbor_decoding.hpp"

#include "isolation/worker_protocol.hpp"

#include <string>
#include <utility>
#include <vector>

namespace vigil::isolation {

namespace {

using json = nlohmann::json;

// Builds the tree as from_cbor would.  `open_` holds the containers being
// filled, innermost last; an element's address stays valid while it is
// open because only the innermost container grows.
class BoundedTreeBuilder : public nlohmann::json_sax<json> {
public:
	BoundedTreeBuilder(json &root, std::size_t max_depth) : root_(root), max_depth_(max_depth)
	{
	}

	bool null() override { return add(nullptr); }
	bool boolean(bool v) override { return add(v); }
	bool number_integer(number_integer_t v) override { return add(v); }
	bool number_unsigned(number_unsigned_t v) override { return add(v); }
	bool number_float(number_float_t v, const string_t &) override { return add(v); }
	bool string(string_t &v) override { return add(std::move(v)); }
	bool binary(binary_t &v) override { return add(json::binary(std::move(v))); }
	bool start_object(std::size_t) override { return open(json::object()); }
	bool key(string_t &k) override
	{
		key_slot_ = &(*open_.back())[k];
		return true;
	}
	bool end_object() override { return close(); }
	bool start_array(std::size_t) override { return open(json::array()); }
	bool end_array() override { return close(); }
	bool parse_error(std::size_t, const std::string &, const json::exception &e) override
	{
		throw ProtocolError(std::string("undecodable message: ") + e.what());
	}

	bool tooDeep() const { return too_deep_; }

private:
	json &root_;
	const std::size_t max_depth_;
	std::vector<json *> open_;
	json *key_slot_ = nullptr;
	bool too_deep_ = false;

	json *place(json value)
	{
		if (open_.empty()) {
			root_ = std::move(value);
			return &root_;
		}
		json &parent = *open_.back();
		if (parent.is_array()) {
			parent.push_back(std::move(value));
			return &parent.back();
		}
		*key_slot_ = std::move(value);
		return key_slot_;
	}
	template <typename Value>
	bool add(Value &&value)
	{
		place(json(std::forward<Value>(value)));
		return true;
	}
	bool open(json container)
	{
		if (open_.size() >= max_depth_) {
			too_deep_ = true;
			return false;
		}
		open_.push_back(place(std::move(container)));
		return true;
	}
	bool close()
	{
		open_.pop_back();
		return true;
	}
};

} // namespace

json decodeCbor(const std::uint8_t *data, std::size_t size, std::size_t max_depth)
{
	json root;
	BoundedTreeBuilder builder(root, max_depth);
	const bool complete =
		json::sax_parse(data, data + size, &builder, json::input_format_t::cbor, true);
	if (builder.tooDeep())
		throw ProtocolError("undecodable message: nested deeper than " +
				    std::to_string(max_depth) + " levels");
	if (!complete)
		throw ProtocolError("undecodable message: incomplete CBOR");
	return root;
}

} // namespace vigil::isolation
