//! House rules a newcomer can rely on: no source file over 600 lines, no function over 120
//! (signature to closing brace), in `src/`, `tests/` and `benches/`. Functions are found by
//! parsing the code (syn), so strings, comments and closures cannot confuse the count.

use std::path::{Path, PathBuf};

use syn::visit::Visit;

use crate::util::root;

const MAX_FILE_LINES: usize = 600;
const MAX_FN_LINES: usize = 120;

/// Every `.rs` file under `dir`.
fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for e in std::fs::read_dir(dir).expect("readable folder").flatten() {
        let p = e.path();
        if p.is_dir() {
            rust_files(&p, out);
        } else if p.extension().is_some_and(|x| x == "rs") {
            out.push(p);
        }
    }
}

/// Functions longer than the limit: (name, first line, lines).
struct Long(Vec<(String, usize, usize)>);

impl Long {
    fn check(&mut self, name: String, sig: &syn::Signature, block: &syn::Block) {
        let start = sig.fn_token.span.start().line;
        let end = block.brace_token.span.close().end().line;
        let lines = end + 1 - start;
        if lines > MAX_FN_LINES {
            self.0.push((name, start, lines));
        }
    }
}

impl<'a> Visit<'a> for Long {
    fn visit_item_fn(&mut self, f: &'a syn::ItemFn) {
        self.check(f.sig.ident.to_string(), &f.sig, &f.block);
        syn::visit::visit_item_fn(self, f);
    }

    fn visit_impl_item_fn(&mut self, f: &'a syn::ImplItemFn) {
        self.check(f.sig.ident.to_string(), &f.sig, &f.block);
        syn::visit::visit_impl_item_fn(self, f);
    }

    fn visit_trait_item_fn(&mut self, f: &'a syn::TraitItemFn) {
        if let Some(block) = &f.default {
            self.check(f.sig.ident.to_string(), &f.sig, block);
        }
        syn::visit::visit_trait_item_fn(self, f);
    }
}

#[test]
fn no_file_over_600_lines_and_no_function_over_120() {
    let mut files = Vec::new();
    for dir in ["src", "tests", "benches"] {
        rust_files(&root().join(dir), &mut files);
    }
    files.sort();
    assert!(files.len() > 40, "found only {} files", files.len());
    let mut problems = Vec::new();
    for path in &files {
        let text = std::fs::read_to_string(path).expect("readable");
        let rel = path
            .strip_prefix(root())
            .unwrap_or(path)
            .display()
            .to_string();
        let lines = text.lines().count();
        if lines > MAX_FILE_LINES {
            problems.push(format!("{rel}: {lines} lines (at most {MAX_FILE_LINES})"));
        }
        let ast = syn::parse_file(&text).unwrap_or_else(|e| panic!("{rel}: {e}"));
        let mut long = Long(Vec::new());
        long.visit_file(&ast);
        for (name, line, n) in long.0 {
            problems.push(format!(
                "{rel}:{line}: fn {name} has {n} lines (at most {MAX_FN_LINES})"
            ));
        }
    }
    assert!(
        problems.is_empty(),
        "split these by purpose:\n{}",
        problems.join("\n")
    );
}
