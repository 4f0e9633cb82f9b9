// The retry loop the AWS plugins share (plugins/aws retry.hpp), without a
// network: exponential backoff with full jitter stays inside its ceiling
// and really spreads, and the loop retries exactly what its hooks call
// retryable — throttling and 5xx answers, connection failures — and never
// the rest. The plugins' own tests drive the same loop against scripted
// servers (plugin_s3_test S3RetryTest, plugin_dynamodb_test).
#include <gtest/gtest.h>

#include <algorithm>
#include <set>
#include <variant>
#include <vector>

// From nexus_aws (plugins/aws), linked into the unit tests.
#include <nexus_aws/retry.hpp>

namespace nexus::test {
namespace {

namespace aws = nexus::plugins::aws;
using std::chrono::milliseconds;

TEST(AwsBackoffTest, DelaysStayWithinTheExponentialCeiling) {
  const aws::Backoff b{milliseconds(100), milliseconds(5000)};
  for (int retry = 0; retry < 12; ++retry) {
    const long ceiling = std::min<long>(5000, 100L << retry);
    for (int i = 0; i < 200; ++i) {
      const long d = static_cast<long>(b.delay(retry).count());
      ASSERT_GE(d, 0) << "retry " << retry;
      ASSERT_LE(d, ceiling) << "retry " << retry;
    }
  }
  // Far past the cap, and a shift that would overflow without the clamp.
  for (const int retry : {20, 40, 1000}) EXPECT_LE(b.delay(retry).count(), 5000) << retry;
}

TEST(AwsBackoffTest, FullJitterSpreadsDelaysOverTheWholeRange) {
  // Without jitter every client that failed together would retry together.
  const aws::Backoff b{milliseconds(100), milliseconds(20000)};
  std::vector<long> delays;
  for (int i = 0; i < 1000; ++i) delays.push_back(static_cast<long>(b.delay(4).count()));  // ceiling 1600 ms
  const auto [lo, hi] = std::minmax_element(delays.begin(), delays.end());
  EXPECT_LT(*lo, 200) << "some retries come early";
  EXPECT_GT(*hi, 1400) << "some come late";
  EXPECT_GT(std::set<long>(delays.begin(), delays.end()).size(), 300u) << "many distinct delays, not a few fixed steps";
}

// A loop with no waiting: the sequence of outcomes is what the test scripts.
struct Script {
  std::vector<std::variant<long, aws::http::TransportError>> outcomes;  // a status, or a transport failure
  int attempts = 0;

  aws::http::Response operator()(long) {
    const auto& o = outcomes[std::min<std::size_t>(attempts++, outcomes.size() - 1)];
    if (std::holds_alternative<aws::http::TransportError>(o)) throw std::get<aws::http::TransportError>(o);
    aws::http::Response r;
    r.status = std::get<long>(o);
    return r;
  }
};

aws::RetryPolicy no_wait(int max_attempts) {
  aws::RetryPolicy p;
  p.max_attempts = max_attempts;
  p.backoff = aws::Backoff{milliseconds(0), milliseconds(0)};
  return p;
}

aws::RetryHooks hooks() {
  aws::RetryHooks h;
  h.operation = "GET 'k'";
  h.retryable = [](const aws::http::Response& r) { return r.status >= 500 || r.status == 429; };
  h.response_error = [](const aws::http::Response& r) {
    return sdk::unavailable("gave up on HTTP " + std::to_string(r.status));
  };
  h.transport_error = [](const aws::http::TransportError& e, int attempts) {
    return sdk::unavailable(std::string(e.what()) + " after " + std::to_string(attempts));
  };
  return h;
}

aws::http::Response run(Script& s, int max_attempts) {
  return aws::send_with_retries(nullptr, no_wait(max_attempts), hooks(), [&](long t) { return s(t); });
}

TEST(AwsRetryLoopTest, ThrottlingAndServerErrorsAreRetriedUntilAnAnswer) {
  Script s{{429L, 503L, 500L, 200L}};
  EXPECT_EQ(run(s, 4).status, 200);
  EXPECT_EQ(s.attempts, 4);
}

TEST(AwsRetryLoopTest, ClientErrorsAreReturnedAtOnce) {
  for (const long status : {400L, 403L, 404L, 409L, 412L}) {
    Script s{{status, 200L}};
    EXPECT_EQ(run(s, 4).status, status);
    EXPECT_EQ(s.attempts, 1) << status;
  }
}

TEST(AwsRetryLoopTest, PersistentServerErrorsEndAfterMaxAttemptsWithTheHooksError) {
  Script s{{503L}};
  try {
    run(s, 3);
    ADD_FAILURE() << "expected an error";
  } catch (const sdk::Error& e) {
    EXPECT_EQ(e.status(), NEXUS_UNAVAILABLE);
    EXPECT_STREQ(e.what(), "gave up on HTTP 503");
  }
  EXPECT_EQ(s.attempts, 3);
}

TEST(AwsRetryLoopTest, ConnectionFailuresAreRetriedOthersAreNot) {
  Script refused{{aws::http::TransportError(CURLE_COULDNT_CONNECT, "refused"), aws::http::TransportError(CURLE_RECV_ERROR, "reset"), 200L}};
  EXPECT_EQ(run(refused, 4).status, 200);
  EXPECT_EQ(refused.attempts, 3);

  Script bad_url{{aws::http::TransportError(CURLE_URL_MALFORMAT, "bad url"), 200L}};
  EXPECT_THROW(run(bad_url, 4), sdk::Error);
  EXPECT_EQ(bad_url.attempts, 1) << "a failure that cannot heal is not retried";

  Script down{{aws::http::TransportError(CURLE_COULDNT_CONNECT, "refused")}};
  try {
    run(down, 2);
    ADD_FAILURE() << "expected an error";
  } catch (const sdk::Error& e) {
    EXPECT_STREQ(e.what(), "refused after 2");
  }
  EXPECT_EQ(down.attempts, 2);
}

}  // namespace
}  // namespace nexus::test
