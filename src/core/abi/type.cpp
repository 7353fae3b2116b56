#include "core/abi/type.hpp"

#include <utility>

namespace tokensync::core::abi {

Type Type::array(Type element) {
    Type t{Kind::kArray, 0};
    t.children_.push_back(std::move(element));
    return t;
}

Type Type::fixed_array(Type element, uint64_t length) {
    Type t{Kind::kFixedArray, length};
    t.children_.push_back(std::move(element));
    return t;
}

Type Type::tuple(std::vector<Type> components, std::vector<std::string> names) {
    Type t{Kind::kTuple, 0};
    names.resize(components.size());
    t.children_ = std::move(components);
    t.names_ = std::move(names);
    return t;
}

std::string Type::canonical() const {
    switch (kind_) {
        case Kind::kUint:
            return "uint" + std::to_string(size_);
        case Kind::kInt:
            return "int" + std::to_string(size_);
        case Kind::kAddress:
            return "address";
        case Kind::kBool:
            return "bool";
        case Kind::kFixedBytes:
            return "bytes" + std::to_string(size_);
        case Kind::kBytes:
            return "bytes";
        case Kind::kString:
            return "string";
        case Kind::kArray:
            return element().canonical() + "[]";
        case Kind::kFixedArray:
            return element().canonical() + "[" + std::to_string(size_) + "]";
        case Kind::kTuple: {
            std::string out = "(";
            for (std::size_t i = 0; i < children_.size(); ++i) {
                if (i != 0) out += ',';
                out += children_[i].canonical();
            }
            return out + ")";
        }
    }
    return {};
}

bool Type::is_dynamic() const noexcept {
    switch (kind_) {
        case Kind::kBytes:
        case Kind::kString:
        case Kind::kArray:
            return true;
        case Kind::kFixedArray:
            return element().is_dynamic();
        case Kind::kTuple:
            for (const auto& c : children_) {
                if (c.is_dynamic()) return true;
            }
            return false;
        default:
            return false;
    }
}

uint64_t Type::head_size() const noexcept { return is_dynamic() ? 32 : static_size(); }

uint64_t Type::static_size() const noexcept {
    // validate() bounds every static size by kMaxStaticSize, so the products
    // and sums below cannot overflow for validated types.
    switch (kind_) {
        case Kind::kFixedArray:
            return size_ * element().head_size();
        case Kind::kTuple: {
            uint64_t total = 0;
            for (const auto& c : children_)
                total += c.head_size();
            return total;
        }
        default:
            return 32;
    }
}

namespace {

std::expected<void, SignatureError> validate_at(const Type& type, std::size_t depth) {
    if (depth > kMaxTypeDepth) return std::unexpected(SignatureError::kTooDeep);
    switch (type.kind()) {
        case Kind::kUint:
        case Kind::kInt:
            if (type.size() < 8 || type.size() > 256 || type.size() % 8 != 0) {
                return std::unexpected(SignatureError::kBadWidth);
            }
            return {};
        case Kind::kFixedBytes:
            if (type.size() < 1 || type.size() > 32) return std::unexpected(SignatureError::kBadWidth);
            return {};
        case Kind::kArray:
            return validate_at(type.element(), depth + 1);
        case Kind::kFixedArray: {
            if (type.size() == 0) return std::unexpected(SignatureError::kZeroLengthArray);
            if (auto r = validate_at(type.element(), depth + 1); !r) return r;
            if (type.size() > kMaxStaticSize / type.element().head_size()) {
                return std::unexpected(SignatureError::kTooLarge);
            }
            return {};
        }
        case Kind::kTuple: {
            if (type.components().empty()) return std::unexpected(SignatureError::kEmptyTuple);
            uint64_t total = 0;
            for (const auto& c : type.components()) {
                if (auto r = validate_at(c, depth + 1); !r) return r;
                total += c.head_size();  // each term <= kMaxStaticSize: no overflow
                if (total > kMaxStaticSize) return std::unexpected(SignatureError::kTooLarge);
            }
            return {};
        }
        default:
            return {};
    }
}

}  // namespace

std::expected<void, SignatureError> validate(const Type& type) { return validate_at(type, 0); }

}  // namespace tokensync::core::abi
