// SPDX-License-Identifier: AGPL-3.0-or-later
pragma solidity ^0.8.24;

import {ERC20} from "@openzeppelin/contracts/token/ERC20/ERC20.sol";
import {Ownable} from "@openzeppelin/contracts/access/Ownable.sol";

/// @title WorkWall's ERC-20 token for local nodes, test networks and the test suite.
/// @notice A plain OpenZeppelin ERC-20 with a chosen number of decimals and an owner who
/// may mint. WorkWall's `evm` payout backend pays out and credits deposits of any ERC-20;
/// this contract exists so that there is one to deploy where no real token is wanted.
/// @dev The deployer owns the contract and receives `initialSupply`. `mint` is open to the
/// owner without limit, which is what tests and test networks need and what a token of
/// real value must not have: do not deploy this one as a mainnet token.
contract WorkWallToken is ERC20, Ownable {
    /// @dev ERC-20 `decimals`, fixed at deployment (6 like USDC, 18 like most tokens).
    uint8 private immutable _decimals;

    /// @param name_ The token's name, e.g. "WorkWall Test Dollar".
    /// @param symbol_ The token's symbol, e.g. "wUSD".
    /// @param decimals_ How many decimal places one whole token has in base units.
    /// @param initialSupply Base units minted to the deployer, who also becomes the owner.
    constructor(string memory name_, string memory symbol_, uint8 decimals_, uint256 initialSupply)
        ERC20(name_, symbol_)
        Ownable(msg.sender)
    {
        _decimals = decimals_;
        if (initialSupply > 0) {
            _mint(msg.sender, initialSupply);
        }
    }

    /// @inheritdoc ERC20
    function decimals() public view override returns (uint8) {
        return _decimals;
    }

    /// @notice Create `amount` base units for `to`. Owner only.
    /// @dev Reverts with OwnableUnauthorizedAccount for anyone else, and with
    /// ERC20InvalidReceiver for the zero address.
    function mint(address to, uint256 amount) external onlyOwner {
        _mint(to, amount);
    }
}
