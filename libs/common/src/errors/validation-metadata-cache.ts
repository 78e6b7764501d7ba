import { getMetadataStorage } from 'class-validator';

type MetadataStorage = ReturnType<typeof getMetadataStorage>;
type Lookup = MetadataStorage['getTargetValidationMetadatas'];
type TargetMetadatas = ReturnType<Lookup>;

const patched = new WeakSet<MetadataStorage>();

/**
 * class-validator looks up a class's rules by scanning the rules of every class it knows, on every
 * validation, to find inherited ones: with a few hundred generated DTOs that scan cost more than
 * the validation. The rules are fixed once the classes are loaded, so each answer is kept, and all
 * are forgotten whenever a rule is added.
 */
export function cacheValidationMetadata(storage: MetadataStorage = getMetadataStorage()): void {
  if (patched.has(storage)) return;
  patched.add(storage);
  const lookup: Lookup = storage.getTargetValidationMetadatas.bind(storage);
  const addRule = storage.addValidationMetadata.bind(storage);
  let answers = new Map<unknown, Map<string, TargetMetadatas>>();
  storage.addValidationMetadata = (metadata) => {
    answers = new Map();
    addRule(metadata);
  };
  storage.getTargetValidationMetadatas = (target, schema, always, strictGroups, groups) => {
    const key = `${schema}\u0000${always}\u0000${strictGroups}\u0000${groups?.join('\u0001') ?? ''}`;
    let byKey = answers.get(target);
    if (!byKey) answers.set(target, (byKey = new Map()));
    let answer = byKey.get(key);
    if (!answer) byKey.set(key, (answer = lookup(target, schema, always, strictGroups, groups)));
    return answer;
  };
}
