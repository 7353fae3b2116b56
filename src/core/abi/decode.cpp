#include "core/abi/decode.hpp"

#include <algorithm>
#include <optional>
#include <string>

namespace tokensync::core::abi {
namespace {

using Unexpected = std::unexpected<DecodeError>;
using Result = std::expected<Value, DecodeError>;

// Reads the low 8 bytes of a word whose high 24 bytes must be zero.
std::optional<uint64_t> small_word(ByteView word) {
    if (!std::all_of(word.begin(), word.begin() + 24, [](uint8_t b) { return b == 0; })) return std::nullopt;
    uint64_t v = 0;
    for (std::size_t i = 24; i < 32; ++i)
        v = (v << 8) | word[i];
    return v;
}

bool all_equal(ByteView bytes, uint8_t value) {
    return std::all_of(bytes.begin(), bytes.end(), [value](uint8_t b) { return b == value; });
}

class Decoder {
  public:
    // Canonical encodings read every byte once; allowing four times the input
    // admits shared tails but stops small inputs that point many offsets at
    // one big array from expanding quadratically.
    explicit Decoder(ByteView data) : data_{data}, budget_{uint64_t{4} * data.size() + 1024} {}

    // A sequence laid out as a tuple starting at `start`.
    template <typename TypeAt>
    std::expected<std::vector<Value>, DecodeError> sequence(uint64_t count, TypeAt type_at, uint64_t start) {
        std::vector<Value> out;
        out.reserve(static_cast<std::size_t>(count));  // callers bounded count by the data size
        uint64_t head = start;
        for (uint64_t i = 0; i < count; ++i) {
            const Type& t = type_at(i);
            if (t.is_dynamic()) {
                auto word = read_word(head);
                if (!word) return Unexpected(word.error());
                auto offset = small_word(*word);
                if (!offset || *offset > data_.size() - start) return Unexpected(DecodeError::kBadOffset);
                auto v = at(t, start + *offset);
                if (!v) return Unexpected(v.error());
                out.push_back(std::move(*v));
                head += 32;
            } else {
                auto v = at(t, head);
                if (!v) return Unexpected(v.error());
                out.push_back(std::move(*v));
                head += t.static_size();
            }
        }
        return out;
    }

    // The value of `type` whose encoding starts at `pos`.
    Result at(const Type& type, uint64_t pos) {
        switch (type.kind()) {
            case Kind::kUint:
                return uint_at(type, pos);
            case Kind::kInt:
                return int_at(type, pos);
            case Kind::kAddress: {
                auto word = read_word(pos);
                if (!word) return Unexpected(word.error());
                if (!all_equal(word->first(12), 0)) return Unexpected(DecodeError::kDirtyAddress);
                ByteArray<20> a{};
                std::ranges::copy(word->subspan(12), a.begin());
                return Value{Address{a}};
            }
            case Kind::kBool: {
                auto word = read_word(pos);
                if (!word) return Unexpected(word.error());
                if (!all_equal(word->first(31), 0) || (*word)[31] > 1) return Unexpected(DecodeError::kDirtyBool);
                return Value{(*word)[31] == 1};
            }
            case Kind::kFixedBytes: {
                auto word = read_word(pos);
                if (!word) return Unexpected(word.error());
                auto n = static_cast<std::size_t>(type.size());
                if (!all_equal(word->subspan(n), 0)) return Unexpected(DecodeError::kDirtyFixedBytes);
                return Value{FixedBytes{Bytes(word->begin(), word->begin() + static_cast<std::ptrdiff_t>(n))}};
            }
            case Kind::kBytes:
            case Kind::kString: {
                auto len = length_at(pos, 1);
                if (!len) return Unexpected(len.error());
                if (!charge(*len)) return Unexpected(DecodeError::kTooManyValues);
                auto body = data_.subspan(static_cast<std::size_t>(pos + 32), static_cast<std::size_t>(*len));
                if (type.kind() == Kind::kBytes) return Value{Bytes(body.begin(), body.end())};
                return Value{std::string(body.begin(), body.end())};
            }
            case Kind::kArray: {
                auto len = length_at(pos, type.element().head_size());
                if (!len) return Unexpected(len.error());
                auto items = sequence(
                    *len, [&](uint64_t) -> const Type& { return type.element(); }, pos + 32);
                if (!items) return Unexpected(items.error());
                return Value{Array{std::move(*items)}};
            }
            case Kind::kFixedArray: {
                // Bound the element count by the data before allocating: each
                // dynamic element has a 32-byte head, static ones are in place.
                uint64_t needed = type.is_dynamic() ? type.size() * 32 : type.static_size();
                if (pos > data_.size() || needed > data_.size() - pos) return Unexpected(DecodeError::kShortData);
                auto items = sequence(
                    type.size(), [&](uint64_t) -> const Type& { return type.element(); }, pos);
                if (!items) return Unexpected(items.error());
                return Value{Array{std::move(*items)}};
            }
            case Kind::kTuple: {
                auto items = sequence(
                    type.components().size(), [&](uint64_t i) -> const Type& { return type.components()[i]; }, pos);
                if (!items) return Unexpected(items.error());
                return Value{Tuple{std::move(*items)}};
            }
        }
        return Unexpected(DecodeError::kShortData);
    }

  private:
    bool charge(uint64_t bytes) {
        if (bytes > budget_) return false;
        budget_ -= bytes;
        return true;
    }

    std::expected<ByteView, DecodeError> read_word(uint64_t pos) {
        if (pos > data_.size() || data_.size() - pos < 32) return Unexpected(DecodeError::kShortData);
        if (!charge(32)) return Unexpected(DecodeError::kTooManyValues);
        return data_.subspan(static_cast<std::size_t>(pos), 32);
    }

    // A length word at pos, followed by at least length * unit bytes.
    std::expected<uint64_t, DecodeError> length_at(uint64_t pos, uint64_t unit) {
        auto word = read_word(pos);
        if (!word) return Unexpected(word.error());
        auto len = small_word(*word);
        uint64_t remaining = data_.size() - pos - 32;
        if (!len || *len > remaining / unit) return Unexpected(DecodeError::kLengthOverflow);
        return *len;
    }

    Result uint_at(const Type& type, uint64_t pos) {
        auto word = read_word(pos);
        if (!word) return Unexpected(word.error());
        auto high = static_cast<std::size_t>((256 - type.size()) / 8);
        if (!all_equal(word->first(high), 0)) return Unexpected(DecodeError::kIntOutOfRange);
        ByteArray<32> be{};
        std::ranges::copy(*word, be.begin());
        return Value{Uint256::from_be_bytes(be)};
    }

    Result int_at(const Type& type, uint64_t pos) {
        auto word = read_word(pos);
        if (!word) return Unexpected(word.error());
        auto high = static_cast<std::size_t>((256 - type.size()) / 8);
        // The high bytes must all repeat the sign bit of the N-bit value.
        uint8_t fill = ((*word)[high] & 0x80) != 0 ? 0xff : 0x00;
        if (!all_equal(word->first(high), fill)) return Unexpected(DecodeError::kIntOutOfRange);
        ByteArray<32> be{};
        std::ranges::copy(*word, be.begin());
        return Value{Int{Uint256::from_be_bytes(be)}};
    }

    ByteView data_;
    uint64_t budget_;
};

}  // namespace

std::expected<std::vector<Value>, DecodeError> decode(std::span<const Type> types, ByteView data) {
    Decoder decoder{data};
    return decoder.sequence(
        types.size(), [&](uint64_t i) -> const Type& { return types[i]; }, 0);
}

std::expected<std::vector<Value>, DecodeError> decode_return(const Function& fn, ByteView data) {
    auto types = types_of(fn.outputs);
    return decode(types, data);
}

std::expected<std::vector<Value>, DecodeError> decode_call(const Function& fn, ByteView calldata) {
    auto sel = fn.selector();
    if (calldata.size() < 4 || !std::equal(sel.begin(), sel.end(), calldata.begin())) {
        return Unexpected(DecodeError::kBadSelector);
    }
    auto types = types_of(fn.inputs);
    return decode(types, calldata.subspan(4));
}

bool is_topic_value_type(const Type& type) noexcept {
    switch (type.kind()) {
        case Kind::kUint:
        case Kind::kInt:
        case Kind::kAddress:
        case Kind::kBool:
        case Kind::kFixedBytes:
            return true;
        default:
            return false;
    }
}

LogLayout::LogLayout(const Event& event) : topic0{event.topic0()} {
    for (const auto& p : event.inputs) {
        if (!p.indexed) data_types.push_back(p.type);
    }
}

std::expected<std::vector<Value>, DecodeError> decode_log(const Event& event, std::span<const Hash32> topics,
                                                          ByteView data) {
    return decode_log(event, LogLayout(event), topics, data);
}

std::expected<std::vector<Value>, DecodeError> decode_log(const Event& event, const LogLayout& layout,
                                                          std::span<const Hash32> topics, ByteView data) {
    std::size_t first = event.anonymous ? 0 : 1;
    if (topics.size() != first + event.indexed_count()) return Unexpected(DecodeError::kWrongTopicCount);
    if (!event.anonymous && topics[0] != layout.topic0) return Unexpected(DecodeError::kTopic0Mismatch);

    auto data_values = decode(layout.data_types, data);
    if (!data_values) return Unexpected(data_values.error());

    std::vector<Value> out;
    out.reserve(event.inputs.size());
    std::size_t topic = first;
    std::size_t next_data = 0;
    for (const auto& p : event.inputs) {
        if (!p.indexed) {
            out.push_back(std::move((*data_values)[next_data++]));
            continue;
        }
        const Hash32& t = topics[topic++];
        if (!is_topic_value_type(p.type)) {
            out.push_back(Value{TopicHash{t}});
            continue;
        }
        auto one = Decoder(t.bytes).at(p.type, 0);
        if (!one) return Unexpected(one.error());
        out.push_back(std::move(*one));
    }
    return out;
}

}  // namespace tokensync::core::abi
