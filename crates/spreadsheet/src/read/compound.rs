//! Checks an OLE compound file (.xls) before the parser reads it: every sector chain
//! stays inside the file and ends, and no stream claims to be larger than the file. A
//! few damaged bytes could otherwise send the parser round a loop or ask it for
//! gigabytes (the fuzzer found both). Last, the cells the workbook stream's records
//! claim are counted against the limits.

use super::ReadError;
use crate::Limits;

/// A free sector's id.
const FREE: u32 = 0xFFFF_FFFF;
/// Ids from here on mark ends and special sectors, not a next sector.
const SPECIAL: u32 = 0xFFFF_FFFA;

/// Checks a compound file's structure and the cells its workbook stream claims.
pub(super) fn check_cfb(bytes: &[u8], limits: &Limits) -> Result<(), ReadError> {
    let file = Compound::open(bytes)?;
    let fat = file.fat()?;
    check_chains_end(&fat)?;
    let directory = file.directory(&fat)?;
    let Some(stream) = file.workbook_stream(&fat, &directory)? else {
        return Ok(());
    };
    check_cell_extent(&stream, limits)
}

fn damaged(what: &str) -> ReadError {
    ReadError::Malformed(format!("damaged compound file: {what}"))
}

fn le32(b: &[u8]) -> u32 {
    u32::from_le_bytes([b[0], b[1], b[2], b[3]])
}

/// A stream's first sector and its size.
type Stream = (u32, u64);

/// The streams the check follows.
struct Directory {
    /// The workbook stream (`Workbook`, or `Book` in older files).
    workbook: Option<Stream>,
    /// The root entry, which holds the mini stream.
    root: Option<Stream>,
}

/// The file as sectors.
struct Compound<'a> {
    bytes: &'a [u8],
    /// Bytes in a sector.
    size: usize,
    /// Sectors after the header.
    sectors: usize,
}

impl<'a> Compound<'a> {
    fn open(bytes: &'a [u8]) -> Result<Self, ReadError> {
        let mut file = Compound {
            bytes,
            size: 0,
            sectors: 0,
        };
        let shift = file.u16_at(0x1E).ok_or_else(|| damaged("header"))?;
        if shift != 9 && shift != 12 {
            return Err(damaged("sector size"));
        }
        file.size = 1usize << shift;
        file.sectors = (bytes.len() / file.size).saturating_sub(1);
        Ok(file)
    }

    fn u16_at(&self, at: usize) -> Option<u16> {
        self.bytes
            .get(at..at + 2)
            .map(|b| u16::from_le_bytes([b[0], b[1]]))
    }

    fn u32_at(&self, at: usize) -> Option<u32> {
        self.bytes.get(at..at + 4).map(le32)
    }

    fn sector(&self, id: u32) -> Option<&'a [u8]> {
        let start = (id as usize).checked_add(1)?.checked_mul(self.size)?;
        self.bytes.get(start..start.checked_add(self.size)?)
    }

    /// The FAT's own sectors: 109 in the header, then the DIFAT chain.
    fn fat_sectors(&self) -> Result<Vec<u32>, ReadError> {
        let mut fat_sectors: Vec<u32> = (0..109)
            .filter_map(|i| self.u32_at(0x4C + 4 * i))
            .filter(|id| *id < SPECIAL)
            .collect();
        let mut difat = self.u32_at(0x44).ok_or_else(|| damaged("header"))?;
        let mut hops = 0;
        while difat < SPECIAL {
            hops += 1;
            let block = self
                .sector(difat)
                .ok_or_else(|| damaged("DIFAT outside the file"))?;
            if hops > self.sectors {
                return Err(damaged("DIFAT loops"));
            }
            for i in 0..self.size / 4 - 1 {
                let id = le32(&block[4 * i..]);
                if id < SPECIAL {
                    fat_sectors.push(id);
                }
            }
            difat = le32(&block[self.size - 4..]);
        }
        Ok(fat_sectors)
    }

    /// The sector table (FAT), every next sector inside the file.
    fn fat(&self) -> Result<Vec<u32>, ReadError> {
        let mut fat: Vec<u32> = Vec::new();
        for id in self.fat_sectors()? {
            let block = self
                .sector(id)
                .ok_or_else(|| damaged("FAT outside the file"))?;
            fat.extend(block.chunks_exact(4).map(le32));
        }
        fat.truncate(self.sectors);
        if fat
            .iter()
            .any(|next| *next < SPECIAL && *next as usize >= self.sectors)
        {
            return Err(damaged("a chain leaves the file"));
        }
        Ok(fat)
    }

    /// Streams no larger than the file; the workbook stream and the mini stream found.
    fn directory(&self, fat: &[u32]) -> Result<Directory, ReadError> {
        let mut dir = self.u32_at(0x30).ok_or_else(|| damaged("header"))?;
        let mut seen = 0;
        let mut found = Directory {
            workbook: None,
            root: None,
        };
        while dir < SPECIAL && dir != FREE {
            seen += 1;
            if seen > self.sectors {
                return Err(damaged("directory loops"));
            }
            let block = self
                .sector(dir)
                .ok_or_else(|| damaged("directory outside the file"))?;
            for entry in block.chunks_exact(128) {
                self.read_entry(entry, &mut found)?;
            }
            dir = *fat
                .get(dir as usize)
                .ok_or_else(|| damaged("directory chain"))?;
        }
        Ok(found)
    }

    /// One directory entry: refused when its stream is larger than the file, kept when
    /// it is the root or the workbook.
    fn read_entry(&self, entry: &[u8], found: &mut Directory) -> Result<(), ReadError> {
        let size_bytes: [u8; 8] = entry[0x78..0x80].try_into().unwrap_or([0; 8]);
        let size = u64::from_le_bytes(size_bytes);
        if size > self.bytes.len() as u64 && entry[0x42] != 0 {
            return Err(damaged("a stream larger than the file"));
        }
        let start = le32(&entry[0x74..]);
        let name_len = usize::from(u16::from_le_bytes([entry[0x40], entry[0x41]])).min(64);
        let name: Vec<u16> = entry[..name_len.saturating_sub(2)]
            .chunks_exact(2)
            .map(|b| u16::from_le_bytes([b[0], b[1]]))
            .collect();
        let name = String::from_utf16_lossy(&name);
        match entry[0x42] {
            5 => found.root = Some((start, size)),
            2 if name == "Workbook" || name == "Book" => found.workbook = Some((start, size)),
            _ => {}
        }
        Ok(())
    }

    /// The workbook stream's bytes (from the sectors, or from the mini stream when it is
    /// small), cut to its size; `None` when the file has none.
    fn workbook_stream(
        &self,
        fat: &[u32],
        directory: &Directory,
    ) -> Result<Option<Vec<u8>>, ReadError> {
        let Some((start, stream_size)) = directory.workbook else {
            return Ok(None);
        };
        let cap = stream_size.max(directory.root.map_or(0, |r| r.1));
        let whole = |id| self.sector(id).map(<[u8]>::to_vec);
        let cutoff = u64::from(self.u32_at(0x38).unwrap_or(4096));
        let mut stream = if stream_size >= cutoff {
            chain(start, self.size, fat, cap, &whole)?
        } else {
            // A small stream lives in the mini stream, whose sectors the mini FAT chains.
            let (root_start, root_size) = directory.root.ok_or_else(|| damaged("no root entry"))?;
            let mini_stream = chain(root_start, self.size, fat, cap, &whole)?;
            let minifat_bytes = chain(
                self.u32_at(0x3C).unwrap_or(SPECIAL),
                self.size,
                fat,
                cap,
                &whole,
            )
            .unwrap_or_default();
            let minifat: Vec<u32> = minifat_bytes.chunks_exact(4).map(le32).collect();
            let mini = 1usize << self.u16_at(0x20).unwrap_or(6).min(12);
            let limit = (root_size as usize).min(mini_stream.len());
            chain(start, mini, &minifat, cap, &|id| {
                let from = (id as usize).checked_mul(mini)?;
                mini_stream
                    .get(from..from.checked_add(mini)?.min(limit))
                    .map(<[u8]>::to_vec)
            })?
        };
        stream.truncate(usize::try_from(stream_size).unwrap_or(usize::MAX));
        Ok(Some(stream))
    }
}

/// Every chain must end: no sector is reached twice by following the table.
fn check_chains_end(fat: &[u32]) -> Result<(), ReadError> {
    let mut state = vec![0u8; fat.len()];
    for start in 0..fat.len() {
        let mut path = Vec::new();
        let mut at = start;
        while at < fat.len() && state[at] == 0 {
            state[at] = 1;
            path.push(at);
            let next = fat[at];
            if next >= SPECIAL {
                break;
            }
            at = next as usize;
        }
        if at < fat.len() && state[at] == 1 && fat[*path.last().unwrap_or(&at)] < SPECIAL {
            return Err(damaged("a chain loops"));
        }
        for p in path {
            state[p] = 2;
        }
    }
    Ok(())
}

/// A stream's bytes, following `table` from `first`, `unit` bytes a step; refused when
/// the chain outgrows `cap` (the largest stream followed) or loops.
fn chain(
    first: u32,
    unit: usize,
    table: &[u32],
    cap: u64,
    area: &dyn Fn(u32) -> Option<Vec<u8>>,
) -> Result<Vec<u8>, ReadError> {
    let mut out = Vec::new();
    let mut at = first;
    let mut hops = 0;
    while at < SPECIAL {
        hops += 1;
        if hops > table.len() + 1 || out.len() as u64 > cap + unit as u64 {
            return Err(damaged("stream chain"));
        }
        out.extend(area(at).ok_or_else(|| damaged("stream outside the file"))?);
        at = *table
            .get(at as usize)
            .ok_or_else(|| damaged("stream chain"))?;
    }
    Ok(out)
}

/// The cells the parser would lay out: it builds each sheet as a dense range from the
/// positions its cell records claim, so a few records at far positions would cost
/// gigabytes (the fuzzer found this).
fn check_cell_extent(stream: &[u8], limits: &Limits) -> Result<(), ReadError> {
    let mut count = CellCount {
        limit: limits.max_cells,
        total: 0,
        extent: None,
    };
    let mut at = 0;
    while at + 4 <= stream.len() {
        let kind = u16::from_le_bytes([stream[at], stream[at + 1]]);
        let len = usize::from(u16::from_le_bytes([stream[at + 2], stream[at + 3]]));
        let data = stream
            .get(at + 4..(at + 4 + len).min(stream.len()))
            .unwrap_or(&[]);
        at += 4 + len;
        match kind {
            // BOF and EOF bound a sheet.
            0x0809 | 0x000A => count.close()?,
            _ => {
                if let Some(cells) = record_cells(kind, data) {
                    count.add(cells);
                }
            }
        }
    }
    count.close()
}

/// The row and the first and last columns a cell record claims.
fn record_cells(kind: u16, data: &[u8]) -> Option<(u32, u32, u32)> {
    let word = |i: usize| {
        data.get(i..i + 2)
            .map(|b| u32::from(u16::from_le_bytes([b[0], b[1]])))
    };
    match kind {
        // NUMBER, RK, LABELSST, LABEL, BLANK, BOOLERR, FORMULA: one cell.
        0x0203 | 0x027E | 0x00FD | 0x0204 | 0x0201 | 0x0205 | 0x0006 => {
            word(0).zip(word(2)).map(|(r, c)| (r, c, c))
        }
        // MULRK, MULBLANK: a run of cells in one row.
        0x00BD | 0x00BE => word(0)
            .zip(word(2))
            .zip(data.len().checked_sub(2).and_then(word))
            .map(|((r, c0), c1)| (r, c0.min(c1), c0.max(c1))),
        _ => None,
    }
}

/// The cells of the sheets so far, and the rows and columns the current one spans.
struct CellCount {
    limit: usize,
    total: u64,
    /// First and last row, first and last column.
    extent: Option<(u32, u32, u32, u32)>,
}

impl CellCount {
    fn add(&mut self, (r, c0, c1): (u32, u32, u32)) {
        self.extent = Some(match self.extent {
            None => (r, r, c0, c1),
            Some((a, b, c, d)) => (a.min(r), b.max(r), c.min(c0), d.max(c1)),
        });
    }

    /// Counts the current sheet's range and refuses when the total passes the limit.
    fn close(&mut self) -> Result<(), ReadError> {
        if let Some((r0, r1, c0, c1)) = self.extent.take() {
            self.total = self
                .total
                .saturating_add(u64::from(r1 - r0 + 1) * u64::from(c1 - c0 + 1));
            if self.total > self.limit as u64 {
                return Err(ReadError::TooManyCells { limit: self.limit });
            }
        }
        Ok(())
    }
}
