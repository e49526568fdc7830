//! Genesys Cloud regions: [`Region`], by name or by API domain.

use core::fmt;
use core::str::FromStr;

use crate::text::Escaped;

/// A Genesys Cloud region: its name (the AWS region it runs in, such as
/// `us-east-1`) and its API domain (`mypurecloud.com`), from which the
/// Platform API's host (`api.{domain}`) and the login host
/// (`login.{domain}`, for OAuth) are derived.
///
/// The table is the one the Genesys Cloud Platform API client SDKs publish
/// as `PureCloudRegionHosts`: `MyPureCloud/platform-client-sdk-dotnet`,
/// `build/src/PureCloudPlatform.Client.V2/Client/PureCloudRegionHosts.cs`
/// (commit `fbce0f8`), seventeen regions, each an AWS region name and its
/// `https://api.{domain}` host; the Go and Java SDKs list the same hosts
/// (the Go SDK, older, without `mx-central-1` and `ap-southeast-1`). The
/// login host is the API host with `login.` for `api.`, as the SDKs
/// derive it. A region the table does not have yet is
/// reached with [`ClientBuilder::api_base`](super::ClientBuilder::api_base)
/// and [`ClientBuilder::login_base`](super::ClientBuilder::login_base).
///
/// ```
/// use permgate::client::Region;
///
/// let dublin: Region = "eu-west-1".parse()?;
/// assert_eq!(dublin.domain(), "mypurecloud.ie");
/// assert_eq!(dublin.api_base(), "https://api.mypurecloud.ie");
/// assert_eq!(dublin.login_base(), "https://login.mypurecloud.ie");
/// // The domain names the same region, and so does the SDKs' spelling.
/// assert_eq!("mypurecloud.ie".parse::<Region>()?, dublin);
/// assert_eq!("EU_WEST_1".parse::<Region>()?, dublin);
/// assert_eq!("api.mypurecloud.ie".parse::<Region>()?, dublin);
/// assert!("eu-west-9".parse::<Region>().is_err());
/// # Ok::<(), permgate::client::UnknownRegion>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Region {
    name: &'static str,
    domain: &'static str,
}

impl Region {
    /// Every region the table knows, in the SDKs' order.
    pub const ALL: &'static [Region] = &[
        Region::new("us-east-1", "mypurecloud.com"),
        Region::new("eu-west-1", "mypurecloud.ie"),
        Region::new("ap-southeast-2", "mypurecloud.com.au"),
        Region::new("ap-northeast-1", "mypurecloud.jp"),
        Region::new("eu-central-1", "mypurecloud.de"),
        Region::new("us-west-2", "usw2.pure.cloud"),
        Region::new("ca-central-1", "cac1.pure.cloud"),
        Region::new("ap-northeast-2", "apne2.pure.cloud"),
        Region::new("eu-west-2", "euw2.pure.cloud"),
        Region::new("ap-south-1", "aps1.pure.cloud"),
        Region::new("us-east-2", "use2.us-gov-pure.cloud"),
        Region::new("sa-east-1", "sae1.pure.cloud"),
        Region::new("me-central-1", "mec1.pure.cloud"),
        Region::new("ap-northeast-3", "apne3.pure.cloud"),
        Region::new("eu-central-2", "euc2.pure.cloud"),
        Region::new("mx-central-1", "mxc1.pure.cloud"),
        Region::new("ap-southeast-1", "apse1.pure.cloud"),
    ];

    const fn new(name: &'static str, domain: &'static str) -> Self {
        Self { name, domain }
    }

    /// The region named `name` (`us-east-1`, or the SDKs' `us_east_1`), or
    /// whose API domain is `name` (`mypurecloud.com`, also with its `api.`
    /// or `login.` host prefix), ignoring ASCII case.
    pub fn find(name: &str) -> Option<Region> {
        let name = name.trim();
        let domain = name
            .strip_prefix("api.")
            .or_else(|| name.strip_prefix("login."))
            .unwrap_or(name);
        Self::ALL.iter().copied().find(|region| {
            region.domain.eq_ignore_ascii_case(domain)
                || (region.name.len() == name.len()
                    && region
                        .name
                        .bytes()
                        .zip(name.bytes())
                        .all(|(a, b)| a == b.to_ascii_lowercase() || (a == b'-' && b == b'_')))
        })
    }

    /// The region's name: `us-east-1`.
    pub fn name(&self) -> &'static str {
        self.name
    }

    /// The region's API domain: `mypurecloud.com`.
    pub fn domain(&self) -> &'static str {
        self.domain
    }

    /// The Platform API's base URL: `https://api.{domain}`.
    pub fn api_base(&self) -> String {
        format!("https://api.{}", self.domain)
    }

    /// The login (OAuth) base URL: `https://login.{domain}`.
    pub fn login_base(&self) -> String {
        format!("https://login.{}", self.domain)
    }
}

impl fmt::Display for Region {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name)
    }
}

impl FromStr for Region {
    type Err = UnknownRegion;

    fn from_str(text: &str) -> Result<Self, UnknownRegion> {
        Region::find(text).ok_or_else(|| UnknownRegion(text.into()))
    }
}

/// A region name or API domain that no Genesys Cloud region has: the text
/// given. Give the hosts with
/// [`ClientBuilder::api_base`](super::ClientBuilder::api_base) and
/// [`login_base`](super::ClientBuilder::login_base) instead.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "unknown Genesys Cloud region `{}`: give a region name such as `us-east-1` or an API domain such as `mypurecloud.com`, or the API and login base URLs",
    Escaped(.0)
)]
pub struct UnknownRegion(pub Box<str>);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_and_domains_are_unique_and_each_finds_its_region() {
        for (n, region) in Region::ALL.iter().enumerate() {
            assert_eq!(Region::find(region.name()), Some(*region));
            assert_eq!(Region::find(region.domain()), Some(*region));
            assert_eq!(
                Region::find(&region.name().replace('-', "_").to_uppercase()),
                Some(*region)
            );
            for other in Region::ALL.iter().skip(n + 1) {
                assert_ne!(region.name(), other.name());
                assert_ne!(region.domain(), other.domain());
            }
        }
        assert_eq!(Region::find("us-east-1x"), None);
        assert_eq!(Region::find("mypurecloud"), None);
        assert_eq!(Region::find(""), None);
    }
}
