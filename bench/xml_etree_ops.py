# pyish bench: the four phases of pyperformance's xml_etree benchmark on
# xml.etree.ElementTree -- parse (ET.parse on a file + ET.fromstring, then
# tostring), iterparse (start/end events from a file and from BytesIO),
# generate (build a tree with SubElement and attrib dicts, tostring) and
# process (find/iterfind/findall/iter, extend/append, tostring). Phases are
# selectable by name on the command line (default: all four), as NAME or
# NAME:ROUNDS ("setup" runs none: the cost of building the input); each
# phase checks its results and the last line is a checksum.
import os
import sys
import tempfile
import xml.etree.ElementTree as ET
from io import BytesIO

ROUNDS = {"parse": 30, "iterparse": 10, "generate": 10, "process": 10}


def build_xml_tree(etree):
    SubElement = etree.SubElement
    root = etree.Element('root')
    for c in range(50):
        child = SubElement(root, 'child-%d' % c, tag_type="child")
        for i in range(100):
            SubElement(child, 'subchild').text = 'LEAF-%d-%d' % (c, i)
    deep = SubElement(root, 'deepchildren', tag_type="deepchild")
    for i in range(50):
        deep = SubElement(deep, 'deepchild')
    SubElement(deep, 'deepleaf', tag_type="leaf").text = "LEAF"
    nb_elems = sum(1 for elem in root.iter())
    root.set('nb-elems', str(nb_elems))
    return root


def process(etree, xml_root=None):
    SubElement = etree.SubElement
    if xml_root is not None:
        root = xml_root
    else:
        root = build_xml_tree(etree)
    found = sum(child.find('.//deepleaf') is not None for child in root)
    if found != 1:
        raise RuntimeError("find() failed")
    text = 'LEAF-5-99'
    found = any(1 for child in root for el in child.iterfind('.//subchild')
                if el.text == text)
    if not found:
        raise RuntimeError("iterfind() failed")
    found = sum(1 for child in root for el in child.findall('.//subchild')
                if el.text == text)
    if found != 1:
        raise RuntimeError("findall() failed")
    dest = etree.Element('subtree')
    for child in root:
        dest.extend(child.findall('.//subchild'))
    root.append(dest)
    nb = sum(1 for elem in root.iter())
    root.set('nb-elems', str(nb))
    result = etree.tostring(root)
    for el in root.iter('subchild'):
        el.attrib['seen'] = el.text
    result2 = etree.tostring(root)
    root.remove(dest)
    return len(result) + len(result2) + nb


def bench_parse(etree, xml_file, xml_data, xml_root):
    total = 0
    for _ in range(ROUNDS["parse"]):
        root1 = etree.parse(xml_file).getroot()
        root2 = etree.fromstring(xml_data)
        result1 = etree.tostring(root1)
        result2 = etree.tostring(root2)
        if result1 != result2 or result1 != xml_data:
            raise RuntimeError("serialisation probably failed")
        total += len(result1) + len(root2)
    return total


def bench_iterparse(etree, xml_file, xml_data, xml_root):
    total = 0
    for _ in range(ROUNDS["iterparse"]):
        it = etree.iterparse(xml_file, ('start', 'end'))
        events1 = [(event, elem.tag) for event, elem in it]
        it = etree.iterparse(BytesIO(xml_data), ('start', 'end'))
        events2 = [(event, elem.tag) for event, elem in it]
        total += len(events1) + len(it.root)
    nb_elems = sum(1 for elem in xml_root.iter())
    if len(events1) != 2 * nb_elems or events1 != events2:
        raise RuntimeError("parsing error")
    return total


def bench_generate(etree, xml_file, xml_data, xml_root):
    output = []
    for _ in range(ROUNDS["generate"]):
        root = build_xml_tree(etree)
        output.append(etree.tostring(root))
    for xml in output:
        if xml != output[0]:
            raise RuntimeError("inconsistent output detected")
    return len(output[0]) * len(output)


def bench_process(etree, xml_file, xml_data, xml_root):
    total = 0
    for _ in range(ROUNDS["process"]):
        total += process(etree)
    total += process(etree, etree.fromstring(xml_data))
    return total


PHASES = {"parse": bench_parse, "iterparse": bench_iterparse,
          "generate": bench_generate, "process": bench_process,
          "setup": lambda *args: 0}


def main():
    names = sys.argv[1:] or ["parse", "iterparse", "generate", "process"]
    root = build_xml_tree(ET)
    xml_data = ET.tostring(root)
    fd, path = tempfile.mkstemp(suffix='.xml')
    try:
        with os.fdopen(fd, 'wb') as f:
            f.write(xml_data)
        check = len(xml_data)
        for name in names:
            if ":" in name:
                name, rounds = name.split(":")
                ROUNDS[name] = int(rounds)
            r = PHASES[name](ET, path, xml_data, root)
            print(name, r)
            check = (check * 131 + r) % 1000000007
    finally:
        os.unlink(path)
    print(check)


main()
