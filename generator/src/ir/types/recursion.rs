//! Recursion: a struct field or union variant that closes a cycle of by-value containment
//! is boxed.

use super::*;

pub(super) fn direct_target(ty: &Ty) -> Option<TypeId> {
    match ty {
        Ty::Named(id) => Some(*id),
        Ty::Nullable(inner) => direct_target(inner),
        _ => None,
    }
}

impl<'s> TypeBuilder<'s> {
    /// Box struct fields and union variants that close a cycle of by-value containment.
    pub(super) fn box_recursion(&mut self) {
        let count = self.space.types.len();
        let mut edges: Vec<Vec<usize>> = vec![Vec::new(); count];
        for (index, def) in self.space.types.iter().enumerate() {
            let targets: Vec<&Ty> = match &def.kind {
                TypeKind::Struct(s) => s.fields.iter().map(|f| &f.ty).collect(),
                TypeKind::Union(u) => u.variants.iter().map(|v| &v.ty).collect(),
                _ => Vec::new(),
            };
            for ty in targets {
                if let Some(target) = direct_target(ty) {
                    edges[index].push(target.0);
                }
            }
        }
        let reaches = |from: usize, to: usize| -> bool {
            let mut seen = vec![false; count];
            let mut stack = vec![from];
            while let Some(n) = stack.pop() {
                if n == to {
                    return true;
                }
                if !std::mem::replace(&mut seen[n], true) {
                    stack.extend(edges[n].iter().copied());
                }
            }
            false
        };
        let mut to_box: Vec<(usize, usize)> = Vec::new();
        for (index, def) in self.space.types.iter().enumerate() {
            let targets: Vec<Option<TypeId>> = match &def.kind {
                TypeKind::Struct(s) => s.fields.iter().map(|f| direct_target(&f.ty)).collect(),
                TypeKind::Union(u) => u.variants.iter().map(|v| direct_target(&v.ty)).collect(),
                _ => Vec::new(),
            };
            for (position, target) in targets.into_iter().enumerate() {
                if let Some(target) = target {
                    if reaches(target.0, index) {
                        to_box.push((index, position));
                    }
                }
            }
        }
        for (index, position) in to_box {
            match &mut self.space.types[index].kind {
                TypeKind::Struct(s) => s.fields[position].boxed = true,
                TypeKind::Union(u) => u.variants[position].boxed = true,
                _ => {}
            }
        }
    }
}
