// Umbrella header for the sasl module: mechanisms, the credential interface, SCRAM secrets, base64.
#pragma once
#include "sasl/base64.hpp"
#include "sasl/mechanism.hpp"
#include "sasl/response.hpp"
#include "sasl/scram_secret.hpp"
