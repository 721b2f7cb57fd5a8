//! The audit trail's sentences with numbers in them, and what `audit verify` found, in
//! each language (the fixed texts are in `texts`).

use zhenggai_storage::audit::verify::{Finding, Report};

use super::{Lang, Tr};

impl Tr {
    /// A weekday by its number, 1 for Monday.
    pub fn weekday(&self, day: i64) -> Option<&'static str> {
        let day =
            zhenggai_domain::weekly::WEEKDAYS.get(usize::try_from(day.checked_sub(1)?).ok()?)?;
        Some(self.label(day))
    }

    /// What an intact trail's verification proved.
    pub fn verify_intact_summary(&self, r: &Report) -> String {
        let sealed = match (&r.key_id, self.0) {
            (Some(key), Lang::Zh) => format!("其中{}条以审计密钥（{key}）封签并逐条核验。", r.sealed),
            (Some(key), Lang::En) => format!(" {} entries are sealed with the audit key {key} and were checked one by one.", r.sealed),
            (None, Lang::Zh) => "日志未启用审计密钥封签，只核验了链式校验值（SM3）。".to_string(),
            (None, Lang::En) => " The trail is not sealed with an audit key: only its chained SM3 hashes were checked.".to_string(),
        };
        match self.0 {
            Lang::Zh => format!(
                "自第1条至第{}条，共{}条审计记录连续完整；{}条业务数据与各自最后一条记录一致。{sealed}",
                r.last_entry, r.entries, r.rows
            ),
            Lang::En => format!(
                "The trail is unbroken up to entry {}: {} entries, and {} business rows match their latest entries.{sealed}",
                r.last_entry, r.entries, r.rows
            ),
        }
    }

    /// Where a broken trail first breaks, and how much was found.
    pub fn verify_broken_summary(&self, r: &Report) -> String {
        let n = r.problems.len();
        match (r.problems.iter().filter_map(Finding::entry).min(), self.0) {
            (Some(at), Lang::Zh) => format!(
                "审计日志在第{at}条记录处断裂（共发现{n}个问题）：第{at}条及其后的记录不能再作为凭据，需查明原因。"
            ),
            (Some(at), Lang::En) => format!(
                "The trail is broken at entry {at} ({n} findings): entry {at} and those after it can no longer be relied on until the cause is found."
            ),
            (None, Lang::Zh) => {
                format!("审计记录本身连续，但有{n}处业务数据或文件与审计记录不一致。")
            }
            (None, Lang::En) => format!(
                "The entries themselves are unbroken, but {n} business rows or files do not match the trail."
            ),
        }
    }

    /// One finding in words; `fields` are the labels of the columns a row differs in.
    pub fn verify_finding(&self, f: &Finding, fields: &[String]) -> String {
        if self.0 == Lang::En {
            return match f {
                Finding::RowDiffers { .. } => format!(
                    "This row differs from its latest audit entry in: {}. Someone changed it behind the system's back.",
                    fields.join(", ")
                ),
                other => other.to_string(),
            };
        }
        match f {
            Finding::NotChained { entry } => format!("第{entry}条审计记录不在任何链中：它是绕过系统直接写入数据库的。"),
            Finding::MissingBefore { entry, seq } => format!("第{entry}条之前的审计记录缺失：它所在的链从第{seq}位才开始。"),
            Finding::MissingBetween { after, entry } => format!("第{after}条与第{entry}条之间的审计记录缺失（被删除）。"),
            Finding::OutOfOrder { entry, after } => format!("第{entry}条审计记录顺序错乱（排在第{after}条之后）。"),
            Finding::NotFollowing { entry } => format!("第{entry}条审计记录与前一条衔接不上：它前面的记录被删除、插入或调换了顺序。"),
            Finding::Changed(p) => format!("第{}条审计记录（{}）写入后被改动过。", p.entry, self.when(&p.at)),
            Finding::Unsealed(p) => format!("第{}条审计记录（{}）没有审计密钥封签，而此前的记录都有：它是没有密钥、绕过系统写入的。", p.entry, self.when(&p.at)),
            Finding::ChangedOrUnsealed(p) => format!("第{}条审计记录（{}）写入后被改动过，或是没有审计密钥写入的。", p.entry, self.when(&p.at)),
            Finding::CutOff { chain, ends, head } => format!("第{chain}号链末尾的记录被截掉：链只到第{ends}位，链头记载应到第{head}位。"),
            Finding::HeadMismatch { chain, seq } => format!("第{chain}号链的链头与其最后一条记录（第{seq}位）不符。"),
            Finding::ChainRemoved { chain, entries } => format!("第{chain}号链的全部{entries}条记录被删除。"),
            Finding::KeyMissing { entries, key } => format!("有{entries}条记录以审计密钥（{key}）封签，但本次校验没有可用的密钥，未能核验：请系统管理员确认服务器配置的审计密钥文件在位。"),
            Finding::MarkerNotReached { chain, seq } => format!("第{chain}号链启用封签之前的记录被改动或删除（不再止于封签标记记载的第{seq}位）。"),
            Finding::CheckpointUnknown { checkpoint } => format!("审计校验码 {checkpoint}：数据库中没有当时日志位置的记载（已被删除，或不是在本数据库上生成的），无法证明日志仍包含当时的记录。"),
            Finding::CheckpointRewritten { checkpoint, entry, .. } => format!("审计校验码 {checkpoint}：第{entry}条记录已不是生成校验码时的那一条，日志被改写到了这里。"),
            Finding::CheckpointCutOff { checkpoint, chain, seq } => format!("审计校验码 {checkpoint}：第{chain}号链已到不了第{seq}位，生成校验码之后的记录被截掉。"),
            Finding::RowUnrecorded { .. } => "这条数据没有任何审计记录：它是绕过系统直接写入数据库的。".to_string(),
            Finding::RowRemovedByTrail { .. } => "这条数据仍在数据库中，但其最后一条审计记录是删除它。".to_string(),
            Finding::RowDiffers { .. } => format!("这条数据与其最后一条审计记录不一致，不同的字段：{}。说明有人绕过系统改动了它。", fields.join("、")),
            Finding::RowDiffersFromImport { entry, .. } => format!("这条数据已不是导入时写入的样子（与第{entry}条审计记录即该次导入所记的校验值不符）：说明有人绕过系统改动了它。"),
            Finding::DigestsUnreadable { entry } => format!("第{entry}条审计记录（一次导入）所记各行的校验值无法读取：该次导入写入的数据无法核验。"),
            Finding::RowDeleted { .. } => "这条数据已从数据库中删除，而审计记录显示它应当存在。".to_string(),
            Finding::MarkerUnreadable { entry } => format!("第{entry}条（封签标记）无法读取：写入后被改动过。"),
            Finding::WrongKey { sealed_with, given } => format!("审计密钥不对：日志以密钥 {sealed_with} 封签，服务器使用的是 {given}。"),
            Finding::NoMarker => "日志中没有封签标记，而服务器配置了审计密钥：封签的记录连同标记一起被删除，或这份日志从未用该密钥封签。".to_string(),
            Finding::FileChanged { .. } => "数据目录中的这份文件被替换或改动过：它的校验值与记录中的不一致。".to_string(),
            Finding::FileUnreadable { .. } => "数据目录中的这份文件无法读取（已丢失或损坏）。".to_string(),
        }
    }
}
