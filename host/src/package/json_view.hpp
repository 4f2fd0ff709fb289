// Read-only views of a JSON value, for the FlowSpec reader (flowspec_parser.cpp), which is written
// once against them: DomView over nlohmann's DOM (an import, which builds every object's document
// from it, and any document with references to resolve) and SimdView over simdjson's (a check,
// which only reads fields: converting each document to nlohmann's maps and strings first was a
// fifth of its instructions).
//
// Both answer alike for the same text (the fuzz target and tests/host/flowspec_view_test.cpp hold
// them to it): a missing field, or a field of what is not an object, is an absent value that reads
// as null; a key written twice reads as its last value (nlohmann's parser keeps the last); a
// non-negative integer is the same number whether nlohmann keeps it unsigned or simdjson signed.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "util/simd_json.hpp"

namespace ferry::host {

enum class JsonType { null, object, array, string, signed_integer, unsigned_integer, floating, boolean };

class DomView {
  public:
    DomView() = default;  // absent
    explicit DomView(const nlohmann::json& value) : v_(&value) {}

    JsonType type() const {
        if (!v_) return JsonType::null;
        switch (v_->type()) {
            case nlohmann::json::value_t::object: return JsonType::object;
            case nlohmann::json::value_t::array: return JsonType::array;
            case nlohmann::json::value_t::string: return JsonType::string;
            case nlohmann::json::value_t::number_integer: return JsonType::signed_integer;
            case nlohmann::json::value_t::number_unsigned: return JsonType::unsigned_integer;
            case nlohmann::json::value_t::number_float: return JsonType::floating;
            case nlohmann::json::value_t::boolean: return JsonType::boolean;
            default: return JsonType::null;
        }
    }
    bool is_object() const { return v_ && v_->is_object(); }
    bool is_array() const { return v_ && v_->is_array(); }
    bool is_string() const { return v_ && v_->is_string(); }
    bool is_null() const { return !v_ || v_->is_null(); }

    DomView operator[](std::string_view key) const {
        if (!is_object()) return {};
        auto it = v_->find(key);
        return it == v_->end() ? DomView() : DomView(*it);
    }
    bool has(std::string_view key) const { return is_object() && v_->find(key) != v_->end(); }

    // Only for the type named.
    std::string_view string() const { return v_->get_ref<const std::string&>(); }
    std::int64_t signed_integer() const { return v_->get<std::int64_t>(); }
    std::uint64_t unsigned_integer() const { return v_->get<std::uint64_t>(); }
    double floating() const { return v_->get<double>(); }
    bool boolean() const { return v_->get<bool>(); }

    // The elements of an array (nothing for any other value), in order.
    template <class Fn>
    void each(Fn&& fn) const {
        if (is_array())
            for (const auto& x : *v_) fn(DomView(x));
    }
    // An array's length (0 for any other value: an object's count of keys is not asked, and would
    // differ where a key is written twice).
    std::size_t size() const { return is_array() ? v_->size() : 0; }
    // nlohmann's text of the value.
    std::string dump() const { return v_ ? v_->dump() : std::string("null"); }

    const nlohmann::json& dom() const { return *v_; }

  private:
    const nlohmann::json* v_ = nullptr;
};

class SimdView {
  public:
    SimdView() = default;  // absent
    explicit SimdView(simdjson::dom::element value) : v_(value), present_(true) {}

    JsonType type() const {
        if (!present_) return JsonType::null;
        using t = simdjson::dom::element_type;
        switch (v_.type()) {
            case t::OBJECT: return JsonType::object;
            case t::ARRAY: return JsonType::array;
            case t::STRING: return JsonType::string;
            // nlohmann keeps a number written without a sign as unsigned: so does this view.
            case t::INT64: return std::int64_t(v_) >= 0 ? JsonType::unsigned_integer : JsonType::signed_integer;
            case t::UINT64: return JsonType::unsigned_integer;
            case t::DOUBLE: return JsonType::floating;
            case t::BOOL: return JsonType::boolean;
            case t::NULL_VALUE: return JsonType::null;
        }
        return JsonType::null;
    }
    bool is_object() const { return present_ && v_.is_object(); }
    bool is_array() const { return present_ && v_.is_array(); }
    bool is_string() const { return present_ && v_.is_string(); }
    bool is_null() const { return !present_ || v_.is_null(); }

    // The last member of that name: simdjson keeps every one, nlohmann the last.
    SimdView operator[](std::string_view key) const {
        SimdView found;
        if (!is_object())
            return found;
        for (auto [k, value] : simdjson::dom::object(v_))
            if (k == key) found = SimdView(value);
        return found;
    }
    bool has(std::string_view key) const { return !(*this)[key].absent(); }

    std::string_view string() const { return std::string_view(v_); }
    std::int64_t signed_integer() const { return std::int64_t(v_); }
    std::uint64_t unsigned_integer() const {
        return v_.type() == simdjson::dom::element_type::UINT64 ? std::uint64_t(v_)
                                                                 : static_cast<std::uint64_t>(std::int64_t(v_));
    }
    double floating() const { return double(v_); }
    bool boolean() const { return bool(v_); }

    template <class Fn>
    void each(Fn&& fn) const {
        if (is_array())
            for (auto x : simdjson::dom::array(v_)) fn(SimdView(x));
    }
    std::size_t size() const { return is_array() ? simdjson::dom::array(v_).size() : 0; }
    std::string dump() const {
        nlohmann::json value;
        if (!present_ || !to_nlohmann(v_, SIZE_MAX, value)) return "null";
        return value.dump();
    }

  private:
    bool absent() const { return !present_; }
    simdjson::dom::element v_;
    bool present_ = false;
};

}  // namespace ferry::host
