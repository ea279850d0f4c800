// A small labelled stream whose right answers are known by construction,
// shared by the replay, compare, tune and report tests.
//
// Seven accounts; every one first logs in at home (New York, device d-home,
// 198.51.100.0/24, AS64500) so that it has familiar contexts. T0 is
// 2026-11-10T12:00:00Z. Under the default config (SPEC section 3 points):
//
//   acct-a1  attacked "takeover", start T0: EMAIL reset requested and
//            completed, login and a live-chat SEND_CREDENTIALS to
//            EMAIL_ON_FILE (unauthenticated), all from the attacker's
//            machine -> 15 + 40 + 80 + 25, capped at 100: CRITICAL at T0+20m.
//   acct-a2  attacked "takeover", start T0+1h: EMAIL reset and login from
//            the attacker's machine -> 15 + 40 = 55: MEDIUM.
//   acct-a3  attacked "stuffing", start T0+2h: 10 failed logins without
//            context in 3 minutes -> 20: LOW.
//   acct-a4  attacked "stuffing", start T0+3h: the same burst (20, LOW), but
//            20 days earlier an impossible trip (35, MEDIUM, then decayed
//            to ~0.35): flagged at MEDIUM only before its attack.
//   acct-b1  benign: forgot the password, reset by email from home, then
//            asked for the credentials by email (authenticated) -> 80: HIGH.
//   acct-b2  benign: just logins -> 0.
//   acct-b3  benign: New York then Tokyo an hour later on the same laptop
//            -> 35: MEDIUM; then a CHANGE_EMAIL request over live chat.
//
// Hence (flagged = peak >= threshold; attacked ones counted since start):
//   MEDIUM (30):   TP a1 a2; FN a3 a4; FP b1 b3 a4; TN b2  -> P 2/5, R 1/2
//   HIGH (60):     TP a1; FN a2 a3 a4; FP b1; TN b2 b3     -> P 1/2, R 1/4
//   CRITICAL (85): TP a1; FN a2 a3 a4; FP -; TN b1 b2 b3   -> P 1,   R 1/4
#pragma once

#include <string>
#include <vector>

#include "daemon/tools/labels.h"
#include "riskd/v1/account_event.pb.h"
#include "scoring/time.h"

namespace riskd::tools::testing {

inline constexpr scoring::EpochMicros kT0 = 1'794'312'000LL * scoring::kSecond;  // 2026-11-10T12:00:00Z

// The stream, in event-time order.
std::vector<riskd::v1::AccountEvent> LabeledStreamEvents();
std::vector<LabelRow> LabeledStreamLabels();

// Writes the events to `path` (.jsonl or .pb) and the labels to
// `labels_path`.
void WriteLabeledStream(const std::string& path, const std::string& labels_path);

// A fresh temporary path ending in `suffix`, removed by the OS eventually.
std::string TempPath(const std::string& suffix);

}  // namespace riskd::tools::testing
