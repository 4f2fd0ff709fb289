// Everything a plugin author includes.
#pragma once

#include "ferry/sdk/abi.hpp"
#include "ferry/sdk/committer.hpp"
#include "ferry/sdk/config.hpp"
#include "ferry/sdk/destination.hpp"
#include "ferry/sdk/diagnostic.hpp"
#include "ferry/sdk/engine.hpp"
#include "ferry/sdk/object.hpp"
#include "ferry/sdk/plugin.hpp"
#include "ferry/sdk/reader.hpp"
#include "ferry/sdk/source.hpp"
