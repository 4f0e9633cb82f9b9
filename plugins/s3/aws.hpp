// aws.hpp — the AWS pieces shared with other plugins (plugins/aws: signer,
// HTTP pool, credentials chain, retry loop, endpoints) under the short
// names the s3 code uses.
#pragma once

#include <nexus_aws/credentials.hpp>
#include <nexus_aws/endpoint.hpp>
#include <nexus_aws/http.hpp>
#include <nexus_aws/retry.hpp>
#include <nexus_aws/sigv4.hpp>

namespace nexus::plugins::s3 {

namespace http = aws::http;
namespace sigv4 = aws::sigv4;
using aws::CredentialProvider;
using aws::Endpoint;
using aws::parse_endpoint;
using aws::StaticKeys;

}  // namespace nexus::plugins::s3
