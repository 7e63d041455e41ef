//! Native core of arabic_rules: runs rule programs (`arabic_rules/ir.py`) as the reference
//! executor (`arabic_rules/executor.py`) does. Built by maturin as `arabic_rules._core` (with
//! the `python` feature); the Python side is `arabic_rules/native.py`.

pub mod guard;
pub mod load;
pub mod plan;
pub mod program;
pub mod text;
pub mod vm;

#[cfg(test)]
mod tests;

#[cfg(feature = "python")]
mod python {
    use std::panic::{catch_unwind, AssertUnwindSafe};

    use std::time::{Duration, Instant};

    use pyo3::exceptions::{PyRuntimeError, PyTimeoutError, PyValueError};
    use pyo3::prelude::*;
    use pyo3::types::{PyBytes, PyString};

    use crate::load::{core_from_json, FORMAT};
    use crate::plan::{Candidate, Stop};
    use crate::text;
    use crate::vm::{self, Found, Scratch};

    /// Runs `f`, turning a panic into an error: no panic ever crosses into Python.
    fn guarded<T>(f: impl FnOnce() -> Result<T, String>) -> Result<T, String> {
        match catch_unwind(AssertUnwindSafe(f)) {
            Ok(r) => r,
            Err(payload) => {
                let msg = payload
                    .downcast_ref::<&str>()
                    .map(|s| s.to_string())
                    .or_else(|| payload.downcast_ref::<String>().cloned())
                    .unwrap_or_else(|| "unknown panic".into());
                Err(format!("internal error in the native core: {msg}"))
            }
        }
    }

    /// A text prepared for matching: code points, their classes, UTF-8 and offsets.
    #[pyclass(module = "arabic_rules._core", frozen)]
    pub struct Text {
        inner: text::Text,
    }

    #[pymethods]
    impl Text {
        fn __len__(&self) -> usize {
            self.inner.len()
        }

        /// Its length in UTF-8 bytes.
        #[getter]
        fn nbytes(&self) -> usize {
            self.inner.utf8.len()
        }

        fn __repr__(&self) -> String {
            format!("<arabic_rules._core.Text of {} code points>", self.inner.len())
        }
    }

    /// Lexicons, raw regexes and compiled programs, read from the JSON of `native.py`.
    #[pyclass(module = "arabic_rules._core", frozen)]
    pub struct Core {
        inner: vm::Core,
    }

    fn window(t: &text::Text, pos: i64, endpos: Option<i64>) -> PyResult<(usize, usize)> {
        let n = t.len() as i64;
        if pos < 0 || pos > n {
            return Err(PyValueError::new_err(format!("pos {pos} is outside the text (0..={n})")));
        }
        let end = endpos.unwrap_or(n).clamp(0, n);
        Ok((pos as usize, end as usize))
    }

    #[pymethods]
    impl Core {
        #[new]
        fn new(py: Python<'_>, json: &Bound<'_, PyAny>) -> PyResult<Core> {
            // the JSON as UTF-8 bytes (what native.py sends: no str of 9 MB is made) or a str
            let json = match json.cast::<PyBytes>() {
                Ok(b) => String::from_utf8(b.as_bytes().to_vec())
                    .map_err(|e| PyValueError::new_err(format!("core JSON is not UTF-8: {e}")))?,
                Err(_) => json.extract::<String>()?,
            };
            let inner = py.detach(move || guarded(|| core_from_json(&json))).map_err(PyValueError::new_err)?;
            Ok(Core { inner })
        }

        /// How many programs there are (the index space of `match`).
        #[getter]
        fn n_programs(&self) -> usize {
            self.inner.programs.len()
        }

        /// The name of program `i`.
        fn program_name(&self, i: usize) -> PyResult<String> {
            self.inner
                .programs
                .get(i)
                .map(|p| p.name.clone())
                .ok_or_else(|| PyValueError::new_err(format!("no program {i}")))
        }

        /// `text` converted once for every match over it.
        fn prepare(&self, py: Python<'_>, text: &Bound<'_, PyString>) -> PyResult<Text> {
            let chars: Vec<char> = match text.to_str() {
                Ok(s) => s.chars().collect(),
                Err(_) => {
                    // lone surrogates: read as U+FFFD, one for one (offsets unchanged)
                    let raw = text.call_method1("encode", ("utf-32-le", "surrogatepass"))?;
                    let bytes = raw.cast::<PyBytes>()?.as_bytes();
                    bytes
                        .chunks_exact(4)
                        .map(|b| char::from_u32(u32::from_le_bytes([b[0], b[1], b[2], b[3]])).unwrap_or('\u{FFFD}'))
                        .collect()
                }
            };
            let classes = &self.inner.classes;
            let inner = py.detach(|| text::Text::new(chars, classes));
            Ok(Text { inner })
        }

        /// The match of program `program` at `pos` of `text[:endpos]`: None, or
        /// `(end, [(start, end) or (-1, -1) per reported group])`.
        #[pyo3(signature = (program, text, pos, endpos=None))]
        fn r#match(
            &self,
            py: Python<'_>,
            program: usize,
            text: &Bound<'_, Text>,
            pos: i64,
            endpos: Option<i64>,
        ) -> PyResult<Option<Found>> {
            let t = &text.get().inner;
            let (pos, end) = window(t, pos, endpos)?;
            self.check(program)?;
            let core = &self.inner;
            py.detach(|| guarded(|| core.run(program, t, pos, end, &mut Scratch::default())))
                .map_err(PyRuntimeError::new_err)
        }

        /// `match` at each of `positions` (with the `endposes` beside them; None: the end of
        /// the text), in one call.
        #[pyo3(signature = (program, text, positions, endposes=None))]
        fn match_many(
            &self,
            py: Python<'_>,
            program: usize,
            text: &Bound<'_, Text>,
            positions: Vec<i64>,
            endposes: Option<Vec<i64>>,
        ) -> PyResult<Vec<Option<Found>>> {
            let t = &text.get().inner;
            if let Some(e) = &endposes {
                if e.len() != positions.len() {
                    return Err(PyValueError::new_err(format!(
                        "{} positions but {} endposes",
                        positions.len(),
                        e.len()
                    )));
                }
            }
            let mut windows = Vec::with_capacity(positions.len());
            for (i, &p) in positions.iter().enumerate() {
                windows.push(window(t, p, endposes.as_ref().map(|e| e[i]))?);
            }
            self.check(program)?;
            let core = &self.inner;
            py.detach(|| {
                guarded(|| {
                    let mut scratch = Scratch::default();
                    windows.iter().map(|&(p, e)| core.run(program, t, p, e, &mut scratch)).collect()
                })
            })
            .map_err(PyRuntimeError::new_err)
        }

        /// The work of `match` at each of `positions` of `text`, counted: `(steps, stopped)`,
        /// the VM steps of all those runs (their sub-programs' and look backs' included), and
        /// whether they stopped on passing `budget` steps in all. Deterministic: the same
        /// program, text and positions give the same count on any machine (lint's runaway check).
        #[pyo3(signature = (program, text, positions, budget=None))]
        fn count_steps(
            &self,
            py: Python<'_>,
            program: usize,
            text: &Bound<'_, Text>,
            positions: Vec<i64>,
            budget: Option<u64>,
        ) -> PyResult<(u64, bool)> {
            let t = &text.get().inner;
            let mut windows = Vec::with_capacity(positions.len());
            for &p in &positions {
                windows.push(window(t, p, None)?);
            }
            self.check(program)?;
            let core = &self.inner;
            py.detach(|| {
                guarded(|| {
                    let mut scratch = Scratch::with_budget(budget);
                    for &(p, e) in &windows {
                        if let Err(e) = core.run(program, t, p, e, &mut scratch) {
                            if scratch.over_budget {
                                return Ok((scratch.work, true));
                            }
                            return Err(e);
                        }
                    }
                    Ok((scratch.work, false))
                })
            })
            .map_err(PyRuntimeError::new_err)
        }

        /// Whether the core has the per-document planner (`extract`).
        #[getter]
        fn plans(&self) -> bool {
            self.inner.planner.is_some()
        }

        /// Every rule's matches in `text` in one pass (see plan.rs): a list of
        /// `(rule, start, end, [(start, end) or (-1, -1) per reported group])`, whitespace
        /// trimmed, sorted by where the rule was tried, then rule. `wanted`: per label, whether
        /// its rules run (None: all). Past `timeout` seconds, TimeoutError(rule index).
        #[pyo3(signature = (text, wanted=None, timeout=None))]
        fn extract(
            &self,
            py: Python<'_>,
            text: &Bound<'_, Text>,
            wanted: Option<Vec<bool>>,
            timeout: Option<f64>,
        ) -> PyResult<Vec<Candidate>> {
            let t = &text.get().inner;
            let core = &self.inner;
            let deadline = match timeout {
                Some(s) if s.is_finite() && s >= 0.0 => Some(Instant::now() + Duration::from_secs_f64(s.min(1e9))),
                _ => None,
            };
            let got = py.detach(|| {
                guarded(|| match core.extract(t, wanted.as_deref(), deadline) {
                    Ok(found) => Ok(Ok(found)),
                    Err(Stop::Timeout(rule)) => Ok(Err(rule)),
                    Err(Stop::Error(e)) => Err(e),
                })
            });
            match got {
                Ok(Ok(found)) => Ok(found),
                Ok(Err(rule)) => Err(PyTimeoutError::new_err(rule)),
                Err(e) => Err(PyRuntimeError::new_err(e)),
            }
        }
    }

    impl Core {
        fn check(&self, program: usize) -> PyResult<()> {
            if program >= self.inner.programs.len() {
                return Err(PyValueError::new_err(format!(
                    "no program {program} (there are {})",
                    self.inner.programs.len()
                )));
            }
            Ok(())
        }
    }

    #[pymodule]
    #[pyo3(name = "_core")]
    fn core_module(m: &Bound<'_, PyModule>) -> PyResult<()> {
        m.add_class::<Core>()?;
        m.add_class::<Text>()?;
        m.add("FORMAT", FORMAT)?;
        m.add("__version__", env!("CARGO_PKG_VERSION"))?;
        Ok(())
    }
}
