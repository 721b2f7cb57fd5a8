//! `zhenggai worker`: the reminder scheduler (提醒, D10) — each round plans today's
//! reminders from the warnings and delivers the jobs that are due. `serve` runs the
//! same loop unless told not to.

use std::process::ExitCode;
use std::sync::Arc;
use std::time::Duration;

use tracing::Instrument;
use zhenggai_domain::clock::{Clock, SystemClock};
use zhenggai_storage::Db;
use zhenggai_storage::reminders::courier::Courier;
use zhenggai_storage::reminders::{self, Tick};

use crate::cli::{Common, WorkerArgs};
use crate::config::Settings;

/// One round.
pub async fn round(db: &Db, courier: &dyn Courier, clock: &dyn Clock) -> anyhow::Result<Tick> {
    let calendar = zhenggai_storage::calendar::load(db).await?;
    Ok(reminders::tick(db, courier, &calendar, clock.today(), clock.now()).await?)
}

/// Rounds every `every`, for ever; a failed round is logged and the next one tries again.
pub async fn scheduler(db: Db, courier: Arc<dyn Courier>, clock: Arc<dyn Clock>, every: Duration) {
    let mut interval = tokio::time::interval(every);
    interval.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        interval.tick().await;
        let started = std::time::Instant::now();
        // The round's span: what its database calls and couriers log carries it.
        let span = tracing::info_span!("reminder_round");
        match round(&db, courier.as_ref(), clock.as_ref())
            .instrument(span.clone())
            .await
        {
            Ok(t) if t.planned + t.delivered > 0 => {
                let ms = u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX);
                span.in_scope(|| {
                    tracing::info!(
                        planned = t.planned,
                        delivered = t.delivered,
                        ms,
                        "reminders"
                    );
                });
            }
            Ok(_) => {}
            Err(e) => span.in_scope(|| tracing::error!("reminder round failed: {e:#}")),
        }
    }
}

pub async fn run(common: &Common, args: WorkerArgs) -> anyhow::Result<ExitCode> {
    let settings = Settings::resolve(common, None)?;
    let db = super::open(&settings).await?;
    db.migrate().await?;
    let clock: Arc<dyn Clock> = Arc::new(SystemClock);
    // Another key than the trail's is refused at start, not at the first reminder.
    zhenggai_storage::audit::write::start_sealing(&db, clock.now()).await?;
    let courier: Arc<dyn Courier> = Arc::new(settings.outbound()?);
    if args.once {
        let t = round(&db, courier.as_ref(), clock.as_ref()).await?;
        crate::logs::say!("{}", serde_json::to_string(&t)?);
        db.close().await;
        return Ok(ExitCode::SUCCESS);
    }
    let shutdown = super::shutdown_signal()?;
    crate::logs::say!("zhenggai worker: a round every {} s", args.every);
    tokio::select! {
        () = scheduler(db.clone(), courier, clock, Duration::from_secs(args.every.max(1))) => {}
        () = shutdown => {}
    }
    db.close().await;
    Ok(ExitCode::SUCCESS)
}
