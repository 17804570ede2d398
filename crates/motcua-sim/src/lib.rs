//! `motcua-sim` plays the external government systems over real HTTP, with their message
//! shapes, so motcua is tested against the network edge it will face — and against its
//! failures: every endpoint can be told to add latency, fail at a rate, hang, or (for the
//! payment gateway) deliver its callback several times.
//!
//! - population registry (CSDL quốc gia về dân cư): look a citizen up by CCCD number;
//! - payment gateway: orders carrying the dossier code, a pay page, callbacks signed with
//!   HMAC-SHA256, a status query;
//! - SMS, e-mail and Zalo sinks that record what they received;
//! - an OpenID Connect provider standing in for VNeID (level-2 identity);
//! - the national public service portal (DVCQG): dossier and progress sync, lookups, and the
//!   personal data store (documents filed for a person, listed and downloaded with provenance);
//! - the tax authority (notices of the financial obligation) and the treasury (confirmations);
//! - a certification authority with its remote-signing service (officials approve on a
//!   simulated phone page).
//!
//! Tests start it on a free loopback port with [`start`]; `motcua-sim` serves it standalone.

mod ca;
mod central;
mod datastore;
mod faults;
mod oidc;
mod payment;
mod population;
mod portal;
mod sinks;
mod tax;

use std::net::SocketAddr;
use std::sync::{Arc, Mutex};

use axum::Router;

pub use datastore::StoredDocument;
pub use faults::Fault;
pub use oidc::{base64url, jwt_hs256};
pub use payment::{Order, OrderStatus, sign};
pub use population::{Citizen, Population};
pub use portal::PortalState;
pub use sinks::Message;
pub use tax::obligations_for;

/// How the simulator is set up.
#[derive(Debug, Clone)]
pub struct SimConfig {
    /// People in the synthetic population.
    pub population: usize,
    /// The key payment callbacks are signed with (shared with motcua).
    pub payment_secret: String,
    /// The OIDC client motcua is registered as.
    pub oidc_client_id: String,
    /// Its secret (also the ID-token signing key, HS256).
    pub oidc_client_secret: String,
    /// The password every simulated citizen signs in with.
    pub citizen_password: String,
    /// The national portal's secret for motcua's integration account (client id: the OIDC one).
    pub portal_secret: String,
    /// The key the tax authority signs its notices with.
    pub tax_secret: String,
    /// The key the treasury signs its confirmations with.
    pub treasury_secret: String,
    /// How long the tax authority and the treasury take to answer.
    pub tax_delay_ms: u64,
    /// The key motcua calls the CA and its remote-signing service with.
    pub signing_secret: String,
    /// Approve remote-signing requests at once (tests, the demo), else wait for the phone.
    pub signing_auto_approve: bool,
    /// The key motcua calls the ministry's central system with.
    pub central_token: String,
}

impl Default for SimConfig {
    fn default() -> Self {
        Self {
            population: 3000,
            payment_secret: "motcua-sim-payment-secret".into(),
            oidc_client_id: "motcua".into(),
            oidc_client_secret: "motcua-sim-oidc-secret".into(),
            citizen_password: "vneid-demo".into(),
            portal_secret: "motcua-sim-portal-secret".into(),
            tax_secret: "motcua-sim-tax-secret".into(),
            treasury_secret: "motcua-sim-treasury-secret".into(),
            tax_delay_ms: 200,
            signing_secret: "motcua-sim-signing-secret".into(),
            signing_auto_approve: false,
            central_token: "motcua-sim-central-token".into(),
        }
    }
}

/// Shared state of a running simulator.
#[derive(Clone)]
pub struct Sim {
    pub(crate) config: Arc<SimConfig>,
    pub(crate) population: Arc<Population>,
    pub(crate) faults: Arc<Mutex<Vec<Fault>>>,
    pub(crate) orders: Arc<Mutex<Vec<Order>>>,
    pub(crate) messages: Arc<Mutex<Vec<Message>>>,
    /// Counts faulted requests, so "every n-th fails" is deterministic per simulator.
    pub(crate) requests: Arc<std::sync::atomic::AtomicU64>,
    pub(crate) grants: oidc::SharedGrants,
    pub(crate) portal: Arc<Mutex<portal::PortalState>>,
    /// Requests the tax authority received: (idempotency key, request).
    pub(crate) tax: Arc<Mutex<Vec<(String, serde_json::Value)>>>,
    /// The certification authority and its remote-signing requests.
    pub(crate) ca: ca::SharedCa,
    /// The national portal's personal data store.
    pub(crate) store: Arc<Mutex<datastore::DataStore>>,
    /// The ministry's central system: its dossier records, in the order they changed.
    pub(crate) central: Arc<Mutex<Vec<serde_json::Value>>>,
}

/// A running simulator.
pub struct SimHandle {
    /// Where it listens.
    pub addr: SocketAddr,
    /// Its state, for tests to inspect.
    pub sim: Sim,
    task: tokio::task::JoinHandle<()>,
}

impl SimHandle {
    /// `http://127.0.0.1:PORT`.
    pub fn base_url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// Stops serving.
    pub fn stop(self) {
        self.task.abort();
    }
}

impl Sim {
    /// A simulator state.
    pub fn new(config: SimConfig) -> Self {
        let population = Population::generate(config.population);
        Self {
            config: Arc::new(config),
            population: Arc::new(population),
            faults: Arc::default(),
            orders: Arc::default(),
            messages: Arc::default(),
            requests: Arc::default(),
            grants: Arc::default(),
            portal: Arc::default(),
            tax: Arc::default(),
            ca: Arc::default(),
            store: Arc::default(),
            central: Arc::default(),
        }
    }

    /// Messages the sinks received, oldest first.
    pub fn messages(&self) -> Vec<Message> {
        self.messages.lock().map(|m| m.clone()).unwrap_or_default()
    }

    /// The synthetic population.
    pub fn population(&self) -> &Population {
        &self.population
    }
}

/// All the simulator's routes.
pub fn router(sim: Sim) -> Router {
    Router::new()
        .merge(population::routes())
        .merge(payment::routes())
        .merge(sinks::routes())
        .merge(faults::routes())
        .merge(oidc::routes())
        .merge(portal::routes())
        .merge(central::routes())
        .merge(datastore::routes())
        .merge(tax::routes())
        .merge(ca::routes())
        .layer(axum::middleware::from_fn_with_state(
            sim.clone(),
            faults::inject,
        ))
        .with_state(sim)
}

/// Starts a simulator on `addr` (port 0: any free port).
pub async fn start(config: SimConfig, addr: &str) -> std::io::Result<SimHandle> {
    let listener = tokio::net::TcpListener::bind(addr).await?;
    let addr = listener.local_addr()?;
    let sim = Sim::new(config);
    let app = router(sim.clone());
    let task = tokio::spawn(async move {
        if let Err(e) = axum::serve(listener, app).await {
            tracing::error!(error = %e, "simulator stopped");
        }
    });
    Ok(SimHandle { addr, sim, task })
}
