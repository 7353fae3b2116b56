#include "core/abi/encode.hpp"

#include <algorithm>

namespace tokensync::core::abi {
namespace {

using Unexpected = std::unexpected<EncodeError>;

// True when v (two's complement) lies in [-2^(bits-1), 2^(bits-1)).
bool fits_signed(const Uint256& v, uint64_t bits) {
    if (bits >= 256) return true;
    if (!v.is_negative()) return v.bit_length() < bits;
    // -m fits when m - 1 < 2^(bits-1); m >= 1 because v is negative.
    Uint256 below = v.wrapping_neg().checked_sub(Uint256{1}).value_or(Uint256{});
    return below.bit_length() < bits;
}

void put_word(Bytes& out, const ByteArray<32>& word) { out.insert(out.end(), word.begin(), word.end()); }

void put_uint(Bytes& out, uint64_t v) { put_word(out, Uint256{v}.to_be_bytes()); }

void put_padded(Bytes& out, ByteView data) {
    out.insert(out.end(), data.begin(), data.end());
    std::size_t pad = (32 - data.size() % 32) % 32;
    out.insert(out.end(), pad, 0);
}

void encode_value(const Type& type, const Value& value, Bytes& out);

// enc of a sequence of (type, value) pairs laid out as a tuple.
template <typename TypeAt>
void encode_sequence(std::size_t count, TypeAt type_at, std::span<const Value> values, Bytes& out) {
    uint64_t head_total = 0;
    for (std::size_t i = 0; i < count; ++i)
        head_total += type_at(i).head_size();
    Bytes tails;
    for (std::size_t i = 0; i < count; ++i) {
        const Type& t = type_at(i);
        if (t.is_dynamic()) {
            put_uint(out, head_total + tails.size());
            encode_value(t, values[i], tails);
        } else {
            encode_value(t, values[i], out);
        }
    }
    out.insert(out.end(), tails.begin(), tails.end());
}

void encode_value(const Type& type, const Value& value, Bytes& out) {
    // check() has run on the whole value first, so the alternatives match.
    switch (type.kind()) {
        case Kind::kUint:
            put_word(out, std::get<Uint256>(value.data).to_be_bytes());
            return;
        case Kind::kInt:
            put_word(out, std::get<Int>(value.data).value.to_be_bytes());
            return;
        case Kind::kAddress: {
            ByteArray<32> w{};
            std::ranges::copy(std::get<Address>(value.data).bytes(), w.begin() + 12);
            put_word(out, w);
            return;
        }
        case Kind::kBool:
            put_uint(out, std::get<bool>(value.data) ? 1 : 0);
            return;
        case Kind::kFixedBytes:
            put_padded(out, std::get<FixedBytes>(value.data).bytes);
            return;
        case Kind::kBytes: {
            const auto& b = std::get<Bytes>(value.data);
            put_uint(out, b.size());
            put_padded(out, b);
            return;
        }
        case Kind::kString: {
            const auto& s = std::get<std::string>(value.data);
            put_uint(out, s.size());
            put_padded(out, as_bytes(s));
            return;
        }
        case Kind::kArray: {
            const auto& items = std::get<Array>(value.data).items;
            put_uint(out, items.size());
            encode_sequence(
                items.size(), [&](std::size_t) -> const Type& { return type.element(); }, items, out);
            return;
        }
        case Kind::kFixedArray: {
            const auto& items = std::get<Array>(value.data).items;
            encode_sequence(
                items.size(), [&](std::size_t) -> const Type& { return type.element(); }, items, out);
            return;
        }
        case Kind::kTuple: {
            const auto& items = std::get<Tuple>(value.data).items;
            encode_sequence(
                items.size(), [&](std::size_t i) -> const Type& { return type.components()[i]; }, items, out);
            return;
        }
    }
}

}  // namespace

std::expected<void, EncodeError> check(const Type& type, const Value& value) {
    switch (type.kind()) {
        case Kind::kUint: {
            const auto* v = value.get_if<Uint256>();
            if (v == nullptr) return Unexpected(EncodeError::kTypeMismatch);
            if (v->bit_length() > type.size()) return Unexpected(EncodeError::kOutOfRange);
            return {};
        }
        case Kind::kInt: {
            const auto* v = value.get_if<Int>();
            if (v == nullptr) return Unexpected(EncodeError::kTypeMismatch);
            if (!fits_signed(v->value, type.size())) return Unexpected(EncodeError::kOutOfRange);
            return {};
        }
        case Kind::kAddress:
            if (value.get_if<Address>() == nullptr) return Unexpected(EncodeError::kTypeMismatch);
            return {};
        case Kind::kBool:
            if (value.get_if<bool>() == nullptr) return Unexpected(EncodeError::kTypeMismatch);
            return {};
        case Kind::kFixedBytes: {
            const auto* v = value.get_if<FixedBytes>();
            if (v == nullptr) return Unexpected(EncodeError::kTypeMismatch);
            if (v->bytes.size() != type.size()) return Unexpected(EncodeError::kOutOfRange);
            return {};
        }
        case Kind::kBytes:
            if (value.get_if<Bytes>() == nullptr) return Unexpected(EncodeError::kTypeMismatch);
            return {};
        case Kind::kString:
            if (value.get_if<std::string>() == nullptr) return Unexpected(EncodeError::kTypeMismatch);
            return {};
        case Kind::kArray:
        case Kind::kFixedArray: {
            const auto* v = value.get_if<Array>();
            if (v == nullptr) return Unexpected(EncodeError::kTypeMismatch);
            if (type.kind() == Kind::kFixedArray && v->items.size() != type.size()) {
                return Unexpected(EncodeError::kOutOfRange);
            }
            for (const auto& item : v->items) {
                if (auto r = check(type.element(), item); !r) return r;
            }
            return {};
        }
        case Kind::kTuple: {
            const auto* v = value.get_if<Tuple>();
            if (v == nullptr) return Unexpected(EncodeError::kTypeMismatch);
            if (v->items.size() != type.components().size()) return Unexpected(EncodeError::kWrongCount);
            for (std::size_t i = 0; i < v->items.size(); ++i) {
                if (auto r = check(type.components()[i], v->items[i]); !r) return r;
            }
            return {};
        }
    }
    return Unexpected(EncodeError::kTypeMismatch);
}

std::expected<Bytes, EncodeError> encode(std::span<const Type> types, std::span<const Value> values) {
    if (types.size() != values.size()) return Unexpected(EncodeError::kWrongCount);
    for (std::size_t i = 0; i < types.size(); ++i) {
        if (auto r = check(types[i], values[i]); !r) return Unexpected(r.error());
    }
    Bytes out;
    encode_sequence(
        types.size(), [&](std::size_t i) -> const Type& { return types[i]; }, values, out);
    return out;
}

std::expected<Bytes, EncodeError> encode_one(const Type& type, const Value& value) {
    return encode(std::span<const Type>{&type, 1}, std::span<const Value>{&value, 1});
}

std::expected<Bytes, EncodeError> encode_call(const Function& fn, std::span<const Value> args) {
    auto types = types_of(fn.inputs);
    auto body = encode(types, args);
    if (!body) return body;
    auto sel = fn.selector();
    Bytes out(sel.begin(), sel.end());
    out.insert(out.end(), body->begin(), body->end());
    return out;
}

}  // namespace tokensync::core::abi
