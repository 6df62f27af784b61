// SPDX-License-Identifier: AGPL-3.0-or-later
pragma solidity ^0.8.24;

/// @title A minimal ERC-1271 contract wallet, for tests only.
/// @notice One owner (an externally owned account) speaks for the wallet: a signature is
/// valid for the wallet when `ecrecover` over the given hash yields the owner.
/// @dev WorkWall's tests deploy it on py-evm to prove that Sign-In with Ethereum accepts
/// contract wallets (EIP-4361 + ERC-1271). The hash it receives is already the EIP-191
/// hash of the sign-in message, so the owner's ordinary `personal_sign` signature of the
/// message text is what it checks: no second prefix is applied here. It holds no funds
/// and has no other function; do not deploy it anywhere that matters.
contract TestERC1271Wallet {
    /// @dev bytes4(keccak256("isValidSignature(bytes32,bytes)")), the ERC-1271 "valid" answer.
    bytes4 internal constant MAGIC_VALUE = 0x1626ba7e;
    /// @dev Any other value means "not valid"; ERC-1271 lets a wallet return it or revert.
    bytes4 internal constant INVALID_VALUE = 0xffffffff;
    /// @dev secp256k1n / 2. A larger `s` is the malleable twin of a valid signature
    /// (EIP-2); refusing it keeps exactly one valid encoding per signature.
    uint256 internal constant HALF_CURVE_ORDER = 0x7FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF5D576E7357A4501DDFE92F46681B20A0;

    /// @notice The account whose signatures this wallet accepts.
    address public immutable owner;

    constructor(address owner_) {
        require(owner_ != address(0), "owner is the zero address");
        owner = owner_;
    }

    /// @notice ERC-1271: is `signature` the owner's signature of `hash`?
    /// @param hash The 32-byte digest that was signed (for SIWE: the EIP-191 hash of the message).
    /// @param signature 65 bytes r || s || v, v in {0, 1, 27, 28}.
    /// @return 0x1626ba7e when the owner signed `hash`, 0xffffffff otherwise (never reverts).
    function isValidSignature(bytes32 hash, bytes calldata signature) external view returns (bytes4) {
        if (signature.length != 65) {
            return INVALID_VALUE;
        }
        bytes32 r;
        bytes32 s;
        uint8 v;
        // Read r, s and v straight from calldata: the layout is fixed at 65 bytes.
        assembly {
            r := calldataload(signature.offset)
            s := calldataload(add(signature.offset, 32))
            v := byte(0, calldataload(add(signature.offset, 64)))
        }
        // Some signers encode the recovery id as 0/1 rather than 27/28.
        if (v < 27) {
            v += 27;
        }
        if (v != 27 && v != 28) {
            return INVALID_VALUE;
        }
        if (uint256(s) > HALF_CURVE_ORDER) {
            return INVALID_VALUE;
        }
        address signer = ecrecover(hash, v, r, s);
        // ecrecover returns the zero address for an unrecoverable signature; the owner is never zero.
        if (signer == owner) {
            return MAGIC_VALUE;
        }
        return INVALID_VALUE;
    }
}
