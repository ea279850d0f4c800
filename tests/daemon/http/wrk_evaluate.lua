-- wrk script: POST /v1/accounts/acct-<random 0..9999>/evaluate as the
-- support role, the request of SPEC section 1.
-- Used by wrk_evaluate.sh; the token is the test config's support token.
wrk.method = "POST"
wrk.body = '{"action":"SEND_CREDENTIALS","channel":"LIVE_CHAT","deliverTo":"EMAIL_ON_FILE","requesterAuthenticated":false}'
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Bearer " .. (os.getenv("RISKD_TOKEN") or "support-secret-token-1")

request = function()
  return wrk.format(nil, "/v1/accounts/acct-" .. math.random(0, 9999) .. "/evaluate")
end

done = function(summary, latency, requests)
  io.write(string.format("non-2xx or errors: %d\n",
    summary.errors.status + summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout))
end
